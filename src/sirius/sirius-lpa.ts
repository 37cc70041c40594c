import * as z from 'zod';
import { parseDocument } from '../upstream/document-schema';

// The payload of Sirius's public API v1 (`GET /api/public/v1/lpas`), as its swagger describes it
// (fixtures/sirius and ../shared/fixtures/sirius/sirius-public-api.swagger.yaml), validated at the
// boundary so that a record of the wrong shape is an unavailable answer, never a resolver crash or
// a cached record. Lenient where real Sirius is loose (nulls, missing optional fields, extra
// fields: a missing one reads as null, an extra one is dropped), strict where resolvers rely on a
// shape (ids, the status, the LPA type, people and lists being what they say).

const text = z.string().nullable().default(null);
const flag = z.boolean().nullable().default(null);
const SIRIUS_UID = /^7\d{3}-?\d{4}-?\d{4}$/;

const SiriusAddressSchema = z.object({
  addressLine1: text,
  addressLine2: text,
  addressLine3: text,
  town: text,
  county: text,
  postcode: text,
  country: text,
  type: text,
});

const SiriusCaseActorSchema = z.object({
  uId: z.string().regex(SIRIUS_UID),
  email: text,
  dob: text,
  salutation: text,
  firstname: text,
  middlenames: text,
  otherNames: text,
  surname: text,
  companyName: text,
  /** false: removed from the LPA (an attorney who can no longer act). */
  systemStatus: flag,
  addresses: z.array(SiriusAddressSchema).nullable().default(null),
});

const actors = z.array(SiriusCaseActorSchema).nullable().default(null);

export const SiriusLpaSchema = z.object({
  uId: z.string().regex(SIRIUS_UID),
  onlineLpaId: text,
  applicationType: text,
  caseSubtype: z.enum(['hw', 'pfa']),
  // Any string: Sirius may add statuses that a released consumer schema has to survive.
  status: z.string(),
  receiptDate: text,
  rejectedDate: text,
  registrationDate: text,
  cancellationDate: text,
  invalidDate: text,
  withdrawnDate: text,
  dispatchDate: text,
  statusDate: text,
  lpaDonorSignatureDate: text,
  caseAttorneySingular: flag,
  caseAttorneyJointly: flag,
  caseAttorneyJointlyAndSeverally: flag,
  caseAttorneyJointlyAndJointlyAndSeverally: flag,
  applicationHasRestrictions: flag,
  applicationHasGuidance: flag,
  lifeSustainingTreatment: text,
  lpaIsCleansed: flag,
  attorneyActDecisions: text,
  donor: SiriusCaseActorSchema,
  attorneys: actors,
  replacementAttorneys: actors,
  certificateProviders: actors,
  trustCorporations: actors,
});

export type SiriusLpa = z.infer<typeof SiriusLpaSchema>;
export type SiriusCaseActor = z.infer<typeof SiriusCaseActorSchema>;
export type SiriusAddress = z.infer<typeof SiriusAddressSchema>;

export type SiriusLpaParse = { ok: true; lpa: SiriusLpa } | { ok: false; problems: string[] };

/** Sirius's record as the gateway relies on it, or what is wrong with it (paths, never values). */
export function parseSiriusLpa(value: unknown): SiriusLpaParse {
  const parsed = parseDocument(SiriusLpaSchema, value);
  return parsed.ok ? { ok: true, lpa: parsed.value } : parsed;
}

/** `7000-0000-0047` or `700000000047` → `700000000047`: how two uids are compared. */
export function uidDigits(uid: string): string {
  return uid.replaceAll('-', '');
}
