// undici's API as a module of the gateway's own, for http-upstream.ts to import() with an
// upstream's first call: in the Lambdas' split bundle an import()ed CommonJS package would show
// only its default export (scripts/build.mjs).
export { Agent, errors, request } from 'undici';
