import type { LpaResolvers } from '../../../../generated/use-an-lpa/v1';
import { isoDate, text } from '../../../../sirius/lpa-vocabulary';
import { activeAttorneys, attorneyDecisions, lpaStatus, lpaType } from '../mappers';

export const Lpa: LpaResolvers = {
  uid: ({ lpa }) => lpa.uId,
  onlineLpaId: ({ lpa }) => text(lpa.onlineLpaId),
  status: ({ lpa }) => lpaStatus(lpa),
  caseSubtype: ({ lpa }) => lpaType(lpa),
  applicationType: ({ lpa }) =>
    lpa.applicationType === 'Online' ? 'ONLINE' : lpa.applicationType === 'Classic' ? 'CLASSIC' : null,
  howAttorneysMakeDecisions: ({ lpa }) => attorneyDecisions(lpa),
  whenAttorneysCanAct: ({ lpa }) =>
    lpa.attorneyActDecisions === 'When Registered'
      ? 'WHEN_REGISTERED'
      : lpa.attorneyActDecisions === 'Loss of capacity'
        ? 'LOSS_OF_CAPACITY'
        : null,
  lifeSustainingTreatment: ({ lpa }) =>
    lpa.lifeSustainingTreatment === 'Option A' ? 'OPTION_A' : lpa.lifeSustainingTreatment === 'Option B' ? 'OPTION_B' : null,
  hasRestrictions: ({ lpa }) => lpa.applicationHasRestrictions === true,
  hasGuidance: ({ lpa }) => lpa.applicationHasGuidance === true,
  isCleansed: ({ lpa }) => lpa.lpaIsCleansed === true,
  donorSignatureDate: ({ lpa }) => isoDate(lpa.lpaDonorSignatureDate),
  receiptDate: ({ lpa }) => isoDate(lpa.receiptDate),
  registrationDate: ({ lpa }) => isoDate(lpa.registrationDate),
  rejectedDate: ({ lpa }) => isoDate(lpa.rejectedDate),
  cancellationDate: ({ lpa }) => isoDate(lpa.cancellationDate),
  invalidDate: ({ lpa }) => isoDate(lpa.invalidDate),
  withdrawnDate: ({ lpa }) => isoDate(lpa.withdrawnDate),
  dispatchDate: ({ lpa }) => isoDate(lpa.dispatchDate),
  statusDate: ({ lpa }) => isoDate(lpa.statusDate),
  donor: ({ lpa }) => lpa.donor,
  attorneys: ({ lpa }) => lpa.attorneys ?? [],
  activeAttorneys: ({ lpa }) => activeAttorneys(lpa),
  replacementAttorneys: ({ lpa }) => lpa.replacementAttorneys ?? [],
  certificateProviders: ({ lpa }) => lpa.certificateProviders ?? [],
  trustCorporations: ({ lpa }) => lpa.trustCorporations ?? [],
  freshness: ({ freshness }) => freshness,
};
