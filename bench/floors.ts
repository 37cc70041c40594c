// The baselines the gateway is measured against, each a process of its own:
//   http-floor <bodyFile>  bare node:http returning fixed JSON bytes (the limit);
//   graphql-floor          Apollo Server 5 standalone, production mode, use-an-lpa v2 from memory;
//   graphql-js-floor       graphql-js execute on node:http, parsed documents cached, same schema.
// Both GraphQL floors run the gateway's own v2 resolvers over an LPA held in memory: no auth, no
// shield, no cache, no Sirius. Prints {"url"} when listening.
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { makeExecutableSchema } from '@graphql-tools/schema';
import DataLoader from 'dataloader';
import { execute, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from 'graphql';
import { useAnLpaV2 } from '../src/consumers/use-an-lpa/v2';
import type { LpaLookup } from '../src/loaders/lpa-lookup';
import type { SiriusLpa } from '../src/sirius/sirius-lpa';

const [mode, bodyFile] = process.argv.slice(2);

function memorySchema(): { schema: GraphQLSchema; context: () => object } {
  const schema = makeExecutableSchema({ typeDefs: readFileSync('schema/use-an-lpa/v2.graphql', 'utf8'), resolvers: useAnLpaV2.resolvers });
  const lpas = JSON.parse(readFileSync('fixtures/sirius/lpas.json', 'utf8')) as SiriusLpa[];
  const byUid = new Map(lpas.map((lpa) => [lpa.uId.replaceAll('-', ''), lpa]));
  const retrievedAt = new Date();
  const context = () => ({
    loaders: {
      lpa: new DataLoader<{ kind: string; value: string }, LpaLookup, string>(
        async (refs) =>
          refs.map((ref) => {
            const lpa = byUid.get(ref.value);
            return lpa
              ? { outcome: 'found' as const, ref: { kind: 'uid' as const, value: ref.value }, lpa, freshness: { source: 'CACHE' as const, retrievedAt } }
              : { outcome: 'not-found' as const, ref: { kind: 'uid' as const, value: ref.value } };
          }),
        { cacheKeyFn: (ref) => ref.value },
      ),
    },
  });
  return { schema, context };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

async function listen(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let url: string;
if (mode === 'http-floor') {
  const bytes = readFileSync(bodyFile!);
  url = await listen(
    createServer((req, res) => {
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': bytes.length }).end(bytes));
    }),
  );
} else if (mode === 'graphql-floor') {
  const { schema, context } = memorySchema();
  const server = new ApolloServer({ schema });
  ({ url } = await startStandaloneServer(server, { listen: { port: 0, host: '127.0.0.1' }, context: async () => context() }));
} else if (mode === 'graphql-js-floor') {
  const { schema, context } = memorySchema();
  const documents = new Map<string, DocumentNode>();
  url = await listen(
    createServer(async (req, res) => {
      const { query, variables } = JSON.parse(await readBody(req)) as { query: string; variables?: Record<string, unknown> };
      let document = documents.get(query);
      if (!document) {
        document = parse(query);
        const errors = validate(schema, document, specifiedRules);
        if (errors.length > 0) {
          res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ errors }));
          return;
        }
        documents.set(query, document);
      }
      const result = await execute({ schema, document, variableValues: variables, contextValue: context() });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result));
    }),
  );
} else {
  throw new Error(`unknown floor ${mode}`);
}
process.stdout.write(`${JSON.stringify({ url })}\n`);
process.on('SIGTERM', () => process.exit(0));
