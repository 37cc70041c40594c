// Use an LPA v1's view of Sirius: pure functions from Sirius's payload to this schema's values.
import type { AttorneyDecisions, LpaType, LpaStatus } from '../../../generated/use-an-lpa/v1';
import { statusConstant } from '../../../sirius/lpa-vocabulary';
import type { SiriusAddress, SiriusCaseActor, SiriusLpa } from '../../../sirius/sirius-lpa';

export function lpaStatus(lpa: SiriusLpa): LpaStatus {
  return statusConstant(lpa.status);
}

export function lpaType(lpa: SiriusLpa): LpaType {
  return lpa.caseSubtype === 'hw' ? 'HEALTH_AND_WELFARE' : 'PROPERTY_AND_FINANCE';
}

/** Sirius records the decision-making mode as four flags; exactly one should be set. */
export function attorneyDecisions(lpa: SiriusLpa): AttorneyDecisions | null {
  if (lpa.caseAttorneyJointlyAndJointlyAndSeverally) return 'JOINTLY_FOR_SOME_JOINTLY_AND_SEVERALLY_FOR_OTHERS';
  if (lpa.caseAttorneyJointlyAndSeverally) return 'JOINTLY_AND_SEVERALLY';
  if (lpa.caseAttorneyJointly) return 'JOINTLY';
  if (lpa.caseAttorneySingular) return 'SINGULAR';
  return null;
}

/** "First names" as a person would write them: first name then middle names. */
export function firstNames(actor: SiriusCaseActor): string | null {
  const names = [actor.firstname, actor.middlenames].map((name) => name?.trim()).filter(Boolean);
  return names.length > 0 ? names.join(' ') : null;
}

/** Addresses with the primary one first, as the schema promises. */
export function orderedAddresses(actor: SiriusCaseActor): SiriusAddress[] {
  const addresses = actor.addresses ?? [];
  return [...addresses].sort((a, b) => Number(b.type === 'Primary') - Number(a.type === 'Primary'));
}

/** Attorneys who can act: Sirius marks a removed attorney `systemStatus: false`. */
export function activeAttorneys(lpa: SiriusLpa): SiriusCaseActor[] {
  return (lpa.attorneys ?? []).filter((attorney) => attorney.systemStatus !== false);
}
