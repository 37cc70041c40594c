// v1's rules hold for v2 as they are: every field needs codes.manage. (v2's types carry v1's names;
// a type v2 added would be denied until named here.)
export { permissions, scopes } from '../v1/permissions';
