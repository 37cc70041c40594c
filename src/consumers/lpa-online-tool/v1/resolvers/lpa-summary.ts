import type { LpaSummaryResolvers } from '../../../../generated/lpa-online-tool/v1';
import { isoDate } from '../../../../sirius/lpa-vocabulary';
import { applicationStage, lpaStatus } from '../mappers';

export const LpaSummary: LpaSummaryResolvers = {
  // Looked up by this id, so Sirius's copy of it is the one asked for.
  onlineLpaId: ({ ref }) => ref.value,
  status: ({ lpa }) => lpaStatus(lpa),
  applicationStage: ({ lpa }) => applicationStage(lpa),
  receiptDate: ({ lpa }) => isoDate(lpa.receiptDate),
  registrationDate: ({ lpa }) => isoDate(lpa.registrationDate),
  rejectedDate: ({ lpa }) => isoDate(lpa.rejectedDate),
  cancellationDate: ({ lpa }) => isoDate(lpa.cancellationDate),
  invalidDate: ({ lpa }) => isoDate(lpa.invalidDate),
  withdrawnDate: ({ lpa }) => isoDate(lpa.withdrawnDate),
  dispatchDate: ({ lpa }) => isoDate(lpa.dispatchDate),
  statusDate: ({ lpa }) => isoDate(lpa.statusDate),
  freshness: ({ freshness }) => freshness,
};
