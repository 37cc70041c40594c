// The payload of Sirius's public API v1 (`GET /api/public/v1/lpas`), as its swagger describes it
// (fixtures/sirius and ../shared/fixtures/sirius/sirius-public-api.swagger.yaml). Sirius is loose
// about nullability in practice, so every scalar a consumer might not get is typed nullable here.

export interface SiriusAddress {
  id: number;
  addressLine1: string | null;
  addressLine2: string | null;
  addressLine3: string | null;
  town: string | null;
  county: string | null;
  postcode: string | null;
  country: string | null;
  type: string | null;
}

export interface SiriusCaseActor {
  id: number;
  uId: string;
  email: string | null;
  dob: string | null;
  salutation: string | null;
  firstname: string | null;
  middlenames: string | null;
  otherNames: string | null;
  surname: string | null;
  companyName?: string | null;
  systemStatus?: boolean | null;
  addresses: SiriusAddress[] | null;
}

export type SiriusLpaStatus =
  | 'Cancelled'
  | 'Imperfect'
  | 'Invalid'
  | 'Pending'
  | 'Perfect'
  | 'Rejected'
  | 'Revoked'
  | 'Suspended'
  | 'With COP'
  | 'Withdrawn'
  | 'Registered'
  | 'Payment Pending'
  | 'Return - unpaid';

export interface SiriusLpa {
  id: number;
  uId: string;
  onlineLpaId: string | null;
  applicationType: 'Online' | 'Classic' | null;
  caseSubtype: 'hw' | 'pfa';
  // Typed as string: Sirius may add statuses that a released consumer schema has to survive.
  status: string;
  receiptDate: string | null;
  rejectedDate: string | null;
  registrationDate: string | null;
  cancellationDate: string | null;
  invalidDate?: string | null;
  withdrawnDate?: string | null;
  dispatchDate?: string | null;
  statusDate?: string | null;
  lpaDonorSignatureDate: string | null;
  caseAttorneySingular: boolean;
  caseAttorneyJointly: boolean;
  caseAttorneyJointlyAndSeverally: boolean;
  caseAttorneyJointlyAndJointlyAndSeverally: boolean;
  applicationHasRestrictions: boolean;
  applicationHasGuidance: boolean;
  lifeSustainingTreatment: 'Option A' | 'Option B' | null;
  lpaIsCleansed: boolean | null;
  attorneyActDecisions: 'When Registered' | 'Loss of capacity' | null;
  donor: SiriusCaseActor;
  attorneys: SiriusCaseActor[] | null;
  replacementAttorneys: SiriusCaseActor[] | null;
  certificateProviders: SiriusCaseActor[] | null;
  trustCorporations: SiriusCaseActor[] | null;
}

/** Minimal structural check at the boundary: enough that mappers can rely on the shape. */
export function isSiriusLpa(value: unknown): value is SiriusLpa {
  if (typeof value !== 'object' || value === null) return false;
  const lpa = value as Record<string, unknown>;
  return (
    typeof lpa.uId === 'string' &&
    typeof lpa.status === 'string' &&
    typeof lpa.caseSubtype === 'string' &&
    typeof lpa.donor === 'object' &&
    lpa.donor !== null
  );
}
