// The Secrets Manager client's API as a module of the gateway's own, for secrets-manager-secret.ts
// to import() with the first fetch: in the Lambdas' split bundle an import()ed CommonJS package
// would show only its default export (scripts/build.mjs).
export { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
