import { LocalDateResolver } from 'graphql-scalars';
import { describe, expect, it } from 'vitest';
import { isCalendarDate } from '../../src/calendar-date';
import { DateScalar } from '../../src/graphql/date-scalar';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Every month 0-13 and day 0-32 of years that test the leap rules, as `YYYY-MM-DD`. */
function candidates(): string[] {
  const out: string[] = [];
  for (const year of [0, 4, 1900, 1999, 2000, 2023, 2024, 2100, 9999]) {
    for (let month = 0; month <= 13; month++) {
      for (let day = 0; day <= 32; day++) out.push(`${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`);
    }
  }
  return out;
}

const libraryAccepts = (value: unknown) => {
  try {
    return LocalDateResolver.serialize(value) === value;
  } catch {
    return false;
  }
};

describe('calendar dates', () => {
  it('agree with graphql-scalars LocalDate on every day, month and leap rule', () => {
    const values = candidates();
    const disagreements = values.filter((value) => isCalendarDate(value) !== libraryAccepts(value));
    expect(disagreements).toEqual([]);
    const accepted = values.filter(isCalendarDate);
    expect(accepted).toContain('2024-02-29');
    expect(accepted).not.toContain('2023-02-29');
    expect(accepted).not.toContain('1900-02-29');
    expect(accepted).toContain('2000-02-29');
  });

  it('refuse anything not shaped YYYY-MM-DD', () => {
    for (const value of ['2024-1-01', '2024-01-01T00:00:00Z', ' 2024-01-01', '20240101', '2024/01/01', '']) {
      expect(isCalendarDate(value)).toBe(false);
    }
  });

  it('the Date scalar answers as the library does, passing good dates and refusing the rest', () => {
    expect(DateScalar.serialize('2024-02-29')).toBe('2024-02-29');
    for (const bad of ['2023-02-29', '0000-00-00', '2024-01-01T00:00:00Z', 20240101, null]) {
      expect(() => DateScalar.serialize(bad)).toThrow();
      expect(() => LocalDateResolver.serialize(bad)).toThrow();
    }
    expect(DateScalar.parseValue('2024-02-29')).toBe('2024-02-29');
    expect(() => DateScalar.parseValue('2023-02-29')).toThrow();
  });
});
