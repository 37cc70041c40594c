// The LPA online tool's view of Sirius: pure functions from Sirius's payload to this schema's values.
import type { ApplicationStage, LpaStatus } from '../../../generated/lpa-online-tool/v1';
import { statusConstant } from '../../../sirius/lpa-vocabulary';
import type { SiriusLpa } from '../../../sirius/sirius-lpa';

export function lpaStatus(lpa: SiriusLpa): LpaStatus {
  return statusConstant(lpa.status);
}

/**
 * The words the online tool shows applicants (OPG's own rules): received while waiting to be
 * checked or paid for; checking while checked, or registered but not yet sent; processed after.
 */
export function applicationStage(lpa: SiriusLpa): ApplicationStage {
  switch (lpaStatus(lpa)) {
    case 'PENDING':
    case 'PAYMENT_PENDING':
      return 'RECEIVED';
    case 'PERFECT':
    case 'IMPERFECT':
      return 'CHECKING';
    case 'REGISTERED':
      return lpa.dispatchDate ? 'PROCESSED' : 'CHECKING';
    default:
      return 'PROCESSED';
  }
}
