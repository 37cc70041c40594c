import { GraphQLScalarType } from 'graphql';
import { LocalDateResolver } from 'graphql-scalars';

/** `Date` in every consumer schema: graphql-scalars' strict `YYYY-MM-DD` LocalDate, under our name. */
export const DateScalar = new GraphQLScalarType({ ...LocalDateResolver.toConfig(), name: 'Date' });
