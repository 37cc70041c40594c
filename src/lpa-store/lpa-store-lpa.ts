import * as z from 'zod';
import { parseDocument } from '../upstream/document-schema';
import { LPA_STORE_UID_FORMAT } from './lpa-store-uid';

// The LPA Store's LPA document, as `GET /lpas/{uid}` answers it (and each entry of `POST /lpas`):
// ../shared/fixtures/lpa-store/schemas/2024-10/lpa.json over donor-details-partial.json. Validated at
// the boundary so that a document of the wrong shape is an unavailable answer, never a resolver
// crash or a cached record.
//
// Lenient where real records are loose: optional fields may be missing or null (read as null),
// extra fields are dropped, `registrationDate` is a date, a full timestamp or null, and every
// enumerated word (statuses, attorney statuses, decisions...) is any string, so that a value the
// store adds later still answers the LPA (its consumer mapper says what it does not know).
// Strict where the resolvers rely on it: the uid's form, the LPA type, people and trust
// corporations being objects with names, lists being lists.

const text = z.string().nullable().default(null);
const flag = z.boolean().nullable().default(null);
/** A list, or nothing: the store's Go encoder may write an empty list as null or leave it out. */
const listOf = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .default(null)
    .transform((items) => items ?? []);

const LpaStoreAddressSchema = z.object({
  line1: text,
  line2: text,
  line3: text,
  town: text,
  postcode: text,
  /** ISO 3166-1 alpha-2, e.g. `GB`. */
  country: text,
});

/** Who a person is on the LPA: a uuid and names (the schema's `Person`). */
const person = {
  uid: z.string(),
  firstNames: z.string(),
  lastName: z.string(),
  address: LpaStoreAddressSchema.nullable().default(null),
  email: text,
};

const LpaStoreDonorSchema = z.object({
  ...person,
  dateOfBirth: text,
  otherNamesKnownBy: text,
  contactLanguagePreference: text,
});

const LpaStoreAttorneySchema = z.object({
  ...person,
  dateOfBirth: text,
  /** `original` or `replacement`; missing on records older than the field. */
  appointmentType: text,
  /** `active`, `inactive` or `removed` (Use an LPA's own test data also has a legacy `replacement`). */
  status: text,
  channel: text,
  signedAt: text,
  cannotMakeJointDecisions: flag,
});

const LpaStoreTrustCorporationSchema = z.object({
  uid: z.string(),
  name: z.string(),
  companyNumber: text,
  address: LpaStoreAddressSchema.nullable().default(null),
  email: text,
  appointmentType: text,
  status: text,
  channel: text,
  signedAt: text,
});

const LpaStoreCertificateProviderSchema = z.object({
  ...person,
  phone: text,
  channel: text,
  signedAt: text,
});

/** A scanned page (paper LPAs): `data` when created, a `path` (or presigned URL) when read back. */
const LpaStoreFileSchema = z.object({ filename: text });

export const LpaStoreLpaSchema = z.object({
  // The format only: the check digit is checked on the way in (lpa-store-uid.ts), not in documents.
  uid: z.string().regex(LPA_STORE_UID_FORMAT),
  // Any string: the schema lists statuses never produced today (de-registered, suspended) and may add more.
  status: z.string(),
  /** A date, or (as real records carry it) a full timestamp, or null before registration. */
  registrationDate: text,
  updatedAt: text,
  lpaType: z.enum(['property-and-affairs', 'personal-welfare']),
  channel: text,
  language: text,
  donor: LpaStoreDonorSchema,
  attorneys: listOf(LpaStoreAttorneySchema),
  trustCorporations: listOf(LpaStoreTrustCorporationSchema),
  certificateProvider: LpaStoreCertificateProviderSchema.nullable().default(null),
  howAttorneysMakeDecisions: text,
  howAttorneysMakeDecisionsDetails: text,
  howAttorneysMakeDecisionsDetailsImages: listOf(LpaStoreFileSchema),
  howReplacementAttorneysMakeDecisions: text,
  howReplacementAttorneysMakeDecisionsDetails: text,
  howReplacementAttorneysStepIn: text,
  howReplacementAttorneysStepInDetails: text,
  whenTheLpaCanBeUsed: text,
  lifeSustainingTreatmentOption: text,
  restrictionsAndConditions: text,
  restrictionsAndConditionsImages: listOf(LpaStoreFileSchema),
  signedAt: text,
});

export type LpaStoreLpa = z.infer<typeof LpaStoreLpaSchema>;
export type LpaStorePerson = z.infer<typeof LpaStoreDonorSchema> | z.infer<typeof LpaStoreAttorneySchema> | z.infer<typeof LpaStoreCertificateProviderSchema>;
export type LpaStoreAttorney = z.infer<typeof LpaStoreAttorneySchema>;
export type LpaStoreTrustCorporation = z.infer<typeof LpaStoreTrustCorporationSchema>;
export type LpaStoreAddress = z.infer<typeof LpaStoreAddressSchema>;

export type LpaStoreLpaParse = { ok: true; lpa: LpaStoreLpa } | { ok: false; problems: string[] };

/**
 * The store's document as the gateway relies on it, or what is wrong with it: JSON paths and zod's
 * issue codes only, never a value (a value could be personal data, and this reaches the logs).
 */
export function parseLpaStoreLpa(value: unknown): LpaStoreLpaParse {
  const parsed = parseDocument(LpaStoreLpaSchema, value);
  return parsed.ok ? { ok: true, lpa: parsed.value } : parsed;
}
