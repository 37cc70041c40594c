import { DateTimeResolver } from 'graphql-scalars';
import type { Freshness as FreshnessModel } from '../cache/read-through';

/** `DateTime` in every consumer schema: graphql-scalars' RFC 3339 date-time. */
export const DateTimeScalar = DateTimeResolver;

/** `Freshness`, the same in every consumer schema that serves cacheable data. */
export const Freshness = {
  source: (freshness: FreshnessModel) => freshness.source,
  ageSeconds: (freshness: FreshnessModel) =>
    freshness.source === 'LIVE' ? 0 : Math.max(0, Math.floor((Date.now() - freshness.retrievedAt.getTime()) / 1000)),
  retrievedAt: (freshness: FreshnessModel) => freshness.retrievedAt,
};

/** v3 on: how the copy is kept current (versions before v3 do not ask). */
export const FreshnessWithCurrency = {
  ...Freshness,
  keptCurrentBy: (freshness: FreshnessModel) => freshness.keptCurrentBy ?? 'TIME_WINDOW',
};
