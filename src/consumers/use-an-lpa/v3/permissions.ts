// v2's rules hold for v3 as they are, for both systems' LPAs: names, statuses and dates with
// lpa.read; dates of birth, emails and addresses only with lpa.personal-data; the code mutations
// with codes.use. (v3's types carry v2's names; a type v3 added would be denied until named here.)
export { permissions, scopes } from '../v2/permissions';
