// graphql (its CommonJS build, as Node loads it) for every ES module in the Lambdas' bundle: one
// module wraps it once, where each importer would otherwise wrap it anew (scripts/build.mjs).
export * from 'graphql';
