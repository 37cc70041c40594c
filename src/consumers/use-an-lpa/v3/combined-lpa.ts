import type { Address, Lpa, Person, TrustCorporation } from '../../../generated/use-an-lpa/v3';

// The neutral LPA that both upstream mappers produce (mappers.ts): v3's own `Lpa`, as codegen types
// it from the SDL, with plain values in every field (enum constants, `YYYY-MM-DD` dates, dashed
// uids), so that a resolver answers each field by reading it. Only `freshness` is not part of it:
// it describes the read, not the LPA, and travels beside it (lpa-lookup.ts).

type Plain<T> = Omit<T, '__typename'>;

export type CombinedAddress = Plain<Address>;
export type CombinedPerson = Plain<Person>;
export type CombinedTrustCorporation = Plain<TrustCorporation>;
export type CombinedLpa = Omit<Plain<Lpa>, 'freshness'>;
