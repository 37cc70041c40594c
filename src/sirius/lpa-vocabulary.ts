// Sirius's words for things, turned once into the neutral constants that consumer schemas build
// their enums from. Each consumer still decides what it exposes; this module only knows Sirius.
import { isCalendarDate } from '../calendar-date';

const STATUS_CONSTANTS = {
  Pending: 'PENDING',
  'Payment Pending': 'PAYMENT_PENDING',
  Perfect: 'PERFECT',
  Imperfect: 'IMPERFECT',
  Registered: 'REGISTERED',
  'With COP': 'WITH_COP',
  'Return - unpaid': 'RETURN_UNPAID',
  Rejected: 'REJECTED',
  Invalid: 'INVALID',
  Withdrawn: 'WITHDRAWN',
  Cancelled: 'CANCELLED',
  Revoked: 'REVOKED',
  Suspended: 'SUSPENDED',
} as const;

export type LpaStatusConstant = (typeof STATUS_CONSTANTS)[keyof typeof STATUS_CONSTANTS];

/**
 * Sirius status → constant, matching case-insensitively (Sirius's data is not consistent about
 * case). A status Sirius added after a schema was released is `UNRECOGNISED`, never an error: the
 * rest of the LPA is still worth returning.
 */
export function statusConstant(status: string): LpaStatusConstant | 'UNRECOGNISED' {
  const wanted = status.trim().toLowerCase();
  for (const [sirius, constant] of Object.entries(STATUS_CONSTANTS)) {
    if (sirius.toLowerCase() === wanted) return constant;
  }
  return 'UNRECOGNISED';
}

/** A real calendar date as `YYYY-MM-DD`, or null (Sirius has held `0000-00-00` and datetimes). */
export function isoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const day = value.slice(0, 10);
  return isCalendarDate(day) ? day : null;
}

/** Sirius uses `""`, `null` and padded strings for "nothing"; consumers get trimmed text or null. */
export function text(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
