import type { LpaResolvers } from '../../../../generated/use-an-lpa/v3';
import type { CombinedLpa } from '../combined-lpa';
import type { FoundCombinedLpa } from '../lpa-lookup';

// v3's `Lpa`: every field is already a plain value of the combined LPA (mappers.ts did the work
// for whichever system answered), so each resolver only reads it. Its people, trust corporations
// and addresses are plain objects of v3's own shape: GraphQL's default resolvers read them.
const field =
  <K extends keyof CombinedLpa>(key: K) =>
  ({ combined }: FoundCombinedLpa): CombinedLpa[K] =>
    combined[key];

export const Lpa: LpaResolvers = {
  uid: field('uid'),
  source: field('source'),
  status: field('status'),
  type: field('type'),
  applicationType: field('applicationType'),
  onlineLpaId: field('onlineLpaId'),
  howAttorneysMakeDecisions: field('howAttorneysMakeDecisions'),
  howAttorneysMakeDecisionsDetails: field('howAttorneysMakeDecisionsDetails'),
  howReplacementAttorneysMakeDecisions: field('howReplacementAttorneysMakeDecisions'),
  howReplacementAttorneysStepIn: field('howReplacementAttorneysStepIn'),
  howReplacementAttorneysStepInDetails: field('howReplacementAttorneysStepInDetails'),
  whenAttorneysCanAct: field('whenAttorneysCanAct'),
  lifeSustainingTreatment: field('lifeSustainingTreatment'),
  hasRestrictions: field('hasRestrictions'),
  restrictionsAndConditions: field('restrictionsAndConditions'),
  hasGuidance: field('hasGuidance'),
  isCleansed: field('isCleansed'),
  donorSignatureDate: field('donorSignatureDate'),
  registrationDate: field('registrationDate'),
  receiptDate: field('receiptDate'),
  rejectedDate: field('rejectedDate'),
  cancellationDate: field('cancellationDate'),
  invalidDate: field('invalidDate'),
  withdrawnDate: field('withdrawnDate'),
  dispatchDate: field('dispatchDate'),
  statusDate: field('statusDate'),
  updatedAt: field('updatedAt'),
  donor: field('donor'),
  attorneys: field('attorneys'),
  replacementAttorneys: field('replacementAttorneys'),
  certificateProviders: field('certificateProviders'),
  trustCorporations: field('trustCorporations'),
  replacementTrustCorporations: field('replacementTrustCorporations'),
  freshness: ({ freshness }) => freshness,
};
