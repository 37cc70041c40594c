import { GraphQLScalarType } from 'graphql';
import { LocalDateResolver } from 'graphql-scalars';
import { isCalendarDate } from '../calendar-date';

const localDate = LocalDateResolver.toConfig();

/**
 * `Date` in every consumer schema: graphql-scalars' strict `YYYY-MM-DD` LocalDate, under our name.
 * Answers are still checked on the way out, but a well-formed date (all our resolvers produce)
 * skips the library's Date round trip; anything else gets the library's verdict and message.
 */
export const DateScalar = new GraphQLScalarType({
  ...localDate,
  name: 'Date',
  serialize: (value) => (typeof value === 'string' && isCalendarDate(value) ? value : localDate.serialize(value)),
});
