// The EventBridge client's API as a module of the gateway's own, for activation-key-requests.ts to
// import() with the first letter request: in the Lambdas' split bundle an import()ed CommonJS
// package would show only its default export (scripts/build.mjs).
export { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
