// v2 resolves from the same Sirius shapes as v1.
export { mappers } from '../v1/codegen-mappers';
