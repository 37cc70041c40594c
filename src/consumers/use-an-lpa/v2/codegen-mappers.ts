import { mappers as v1 } from '../v1/codegen-mappers';

// v2 resolves LPAs from the same Sirius shapes as v1, and code checks from the codes domain.
export const mappers = {
  ...v1,
  ActivationCodeAccepted: '../../codes/activation-codes#CodeCheck',
  ActivationCodeRefused: '../../codes/activation-codes#CodeCheck',
};
