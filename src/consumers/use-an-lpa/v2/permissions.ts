// v2 reads the same data under the same scopes as v1; its rules are v1's (keyed by type and
// field names both versions share; fallbackRule deny covers anything new).
export { permissions, scopes } from '../v1/permissions';
