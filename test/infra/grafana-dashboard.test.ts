import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics';
import { startTestGateway, type TestGateway } from '../support/gateway';

// infra/grafana/sirius-gateway.json is for operators who scrape /metrics. It must use only series
// the gateway really exposes, with labels those series really carry: both are read here from the
// gateway's own prom-client registry (createMetrics, the one app.ts builds and /metrics serves),
// never from a copied list, so renaming or relabelling a metric fails this test until the
// dashboard follows.

const DASHBOARD_FILE = 'infra/grafana/sirius-gateway.json';
const DATASOURCE = '${DS_PROMETHEUS}';
/** Labels Prometheus itself adds to every scraped series (the target's). */
const TARGET_LABELS = ['job', 'instance'];
/** Gateway metrics deliberately left off the dashboard, and why. */
const NOT_ON_DASHBOARD: Record<string, string> = {
  gateway_sirius_calls_total: 'kept for compatibility; the same reads are gateway_upstream_reads_total{upstream="sirius"}',
};

// ─── A small PromQL reader: enough to find metric names and the labels used with them ───────────

type TokenKind = 'ident' | 'string' | 'number' | 'range' | 'variable' | 'punct';
interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset', 'and', 'or', 'unless', 'atan2', 'inf', 'nan']);
const AGGREGATIONS = new Set(['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);
const LABEL_LIST_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const MATCH_OPERATORS = new Set(['=', '!=', '=~', '!~']);

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const rest = expr.slice(i);
    const c = expr[i]!;
    if (/\s/.test(c)) {
      i += 1;
    } else if (c === '#') {
      const end = expr.indexOf('\n', i);
      i = end === -1 ? expr.length : end;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += c !== '`' && expr[j] === '\\' ? 2 : 1;
      if (j >= expr.length) throw new Error(`unterminated string in ${expr}`);
      tokens.push({ kind: 'string', text: expr.slice(i + 1, j) });
      i = j + 1;
    } else if (c === '[') {
      // A range or subquery ([5m], [$__rate_interval], [1h:5m], Grafana's old [[var]]): no names inside.
      let depth = 0;
      let j = i;
      do {
        if (expr[j] === '[') depth += 1;
        else if (expr[j] === ']') depth -= 1;
        j += 1;
      } while (depth > 0 && j < expr.length);
      if (depth > 0) throw new Error(`unterminated [ in ${expr}`);
      tokens.push({ kind: 'range', text: expr.slice(i, j) });
      i = j;
    } else if (c === '$') {
      const variable = /^\$(\{[^}]*\}|\w+)/.exec(rest);
      if (!variable) throw new Error(`bad variable in ${expr}`);
      tokens.push({ kind: 'variable', text: variable[0] });
      i += variable[0].length;
    } else if (/^\.?[0-9]/.test(rest)) {
      // Numbers, hex, 1e-3, and durations outside ranges (offset 1h30m).
      const number = /^(?:0x[0-9a-f]+|[0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)[a-z0-9_]*/i.exec(rest)!;
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
    } else if (/[a-zA-Z_:]/.test(c)) {
      const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest)![0];
      tokens.push({ kind: 'ident', text: ident });
      i += ident.length;
    } else {
      const punct = /^(?:=~|!~|!=|==|>=|<=|[(){},+\-*/%^=<>@])/.exec(rest);
      if (!punct) throw new Error(`unexpected ${JSON.stringify(c)} in ${expr}`);
      tokens.push({ kind: 'punct', text: punct[0] });
      i += punct[0].length;
    }
  }
  return tokens;
}

interface Selector {
  metric: string;
  /** Label names in its `{...}` matchers. */
  labels: string[];
}

interface Grouping {
  keyword: 'by' | 'without';
  labels: string[];
  /** The metrics inside the aggregation this clause groups. */
  metrics: string[];
}

interface PromQLUse {
  metrics: string[];
  selectors: Selector[];
  groupings: Grouping[];
}

function matching(tokens: Token[], open: number): number {
  const [o, c] = tokens[open]?.text === '(' ? ['(', ')'] : ['{', '}'];
  let depth = 0;
  for (let j = open; j < tokens.length; j++) {
    const token = tokens[j]!;
    if (token.kind !== 'punct') continue;
    if (token.text === o) depth += 1;
    else if (token.text === c && --depth === 0) return j;
  }
  throw new Error(`unbalanced ${o}`);
}

function matchingBackwards(tokens: Token[], close: number): number {
  let depth = 0;
  for (let j = close; j >= 0; j--) {
    const token = tokens[j]!;
    if (token.kind !== 'punct') continue;
    if (token.text === ')') depth += 1;
    else if (token.text === '(' && --depth === 0) return j;
  }
  throw new Error('unbalanced )');
}

/** Metric names (identifiers that are not functions, keywords or labels), their matchers' labels, and by/without clauses. */
function readPromQL(expr: string): PromQLUse {
  const tokens = tokenize(expr);
  const at = (j: number) => tokens[j];
  const isPunct = (j: number, text: string) => at(j)?.kind === 'punct' && at(j)?.text === text;
  const selectors: (Selector & { index: number })[] = [];
  const groupings: { keyword: 'by' | 'without'; labels: string[]; span: [number, number] }[] = [];

  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    if (token.kind === 'punct' && token.text === '{') {
      // A selector with no name before it: only {__name__="..."} names a metric.
      const end = matching(tokens, i);
      const labels = matcherLabels(tokens, i, end);
      const name = nameMatcher(tokens, i, end);
      if (!name) throw new Error(`a selector without a metric name in ${expr}`);
      selectors.push({ metric: name, labels: labels.filter((label) => label !== '__name__'), index: i });
      i = end + 1;
    } else if (token.kind === 'ident' && LABEL_LIST_KEYWORDS.has(token.text)) {
      let labels: string[] = [];
      let end = i;
      if (isPunct(i + 1, '(')) {
        end = matching(tokens, i + 1);
        labels = tokens.slice(i + 2, end).filter((t) => t.kind === 'ident').map((t) => t.text);
      }
      if (token.text === 'by' || token.text === 'without') {
        let span: [number, number];
        if (at(i - 1)?.kind === 'ident' && AGGREGATIONS.has(at(i - 1)!.text) && isPunct(end + 1, '(')) {
          span = [end + 1, matching(tokens, end + 1)]; // sum by (a) (expr)
        } else if (isPunct(i - 1, ')')) {
          const open = matchingBackwards(tokens, i - 1); // sum (expr) by (a)
          if (!(at(open - 1)?.kind === 'ident' && AGGREGATIONS.has(at(open - 1)!.text))) throw new Error(`${token.text} not after an aggregation in ${expr}`);
          span = [open, i - 1];
        } else {
          throw new Error(`${token.text} not after an aggregation in ${expr}`);
        }
        groupings.push({ keyword: token.text as 'by' | 'without', labels, span });
      }
      i = end + 1;
    } else if (token.kind === 'ident') {
      const isCall = isPunct(i + 1, '(');
      if (isCall || KEYWORDS.has(token.text.toLowerCase()) || AGGREGATIONS.has(token.text)) {
        i += 1;
      } else if (isPunct(i + 1, '{')) {
        const end = matching(tokens, i + 1);
        selectors.push({ metric: token.text, labels: matcherLabels(tokens, i + 1, end), index: i });
        i = end + 1;
      } else {
        selectors.push({ metric: token.text, labels: [], index: i });
        i += 1;
      }
    } else {
      i += 1;
    }
  }

  return {
    metrics: [...new Set(selectors.map((selector) => selector.metric))],
    selectors: selectors.map(({ metric, labels }) => ({ metric, labels })),
    groupings: groupings.map(({ keyword, labels, span: [from, to] }) => ({
      keyword,
      labels,
      metrics: [...new Set(selectors.filter((selector) => selector.index > from && selector.index < to).map((selector) => selector.metric))],
    })),
  };
}

function matcherLabels(tokens: Token[], open: number, close: number): string[] {
  const labels: string[] = [];
  for (let j = open + 1; j < close; j++) {
    const token = tokens[j]!;
    const next = tokens[j + 1];
    if (token.kind === 'ident' && next?.kind === 'punct' && MATCH_OPERATORS.has(next.text)) labels.push(token.text);
  }
  return labels;
}

function nameMatcher(tokens: Token[], open: number, close: number): string | undefined {
  for (let j = open + 1; j + 2 < close; j++) {
    if (tokens[j]!.text === '__name__' && tokens[j + 1]!.text === '=' && tokens[j + 2]!.kind === 'string') return tokens[j + 2]!.text;
  }
  return undefined;
}

/**
 * A Prometheus template variable's query: Grafana's label_values(expr, label) /
 * label_values(label) / query_result(expr), or plain PromQL.
 */
function readVariableQuery(query: string): { expr?: string; label?: string } {
  const labelValues = /^\s*label_values\(\s*(?:(.*\S)\s*,\s*)?([a-zA-Z_]\w*)\s*\)\s*$/s.exec(query);
  if (labelValues) return { expr: labelValues[1], label: labelValues[2] };
  const queryResult = /^\s*query_result\((.*)\)\s*$/s.exec(query);
  if (queryResult) return { expr: queryResult[1] };
  if (/^\s*(label_names|metrics)\(/.test(query)) throw new Error(`unsupported variable query ${query}`);
  return { expr: query };
}

// ─── What the gateway exposes, from its own registry ───────────────────────────────────────────

interface Exposed {
  /** Every series name /metrics can carry: histograms as _bucket/_sum/_count, summaries as themselves/_sum/_count. */
  names: Map<string, { family: string; labels: Set<string> }>;
  families: Map<string, string>;
  /** The exposition text, exactly as /metrics serves it. */
  text: string;
}

async function exposedByGateway(): Promise<Exposed> {
  const metrics = createMetrics({ circuitState: () => 'closed' });
  const { registry } = metrics;
  const names = new Map<string, { family: string; labels: Set<string> }>();
  const families = new Map<string, string>();
  for (const family of await registry.getMetricsAsJSON()) {
    const metric = registry.getSingleMetric(family.name);
    // prom-client keeps its configured labelNames on the metric (not in its typings).
    const labelNames = (metric as unknown as { labelNames?: readonly string[] } | undefined)?.labelNames;
    if (!Array.isArray(labelNames)) throw new Error(`prom-client no longer exposes labelNames on ${family.name}`);
    const labels = new Set<string>([...labelNames, ...TARGET_LABELS]);
    const type = String(family.type);
    families.set(family.name, type);
    if (type === 'histogram') {
      names.set(`${family.name}_bucket`, { family: family.name, labels: new Set([...labels, 'le']) });
      names.set(`${family.name}_sum`, { family: family.name, labels });
      names.set(`${family.name}_count`, { family: family.name, labels });
    } else if (type === 'summary') {
      names.set(family.name, { family: family.name, labels: new Set([...labels, 'quantile']) });
      names.set(`${family.name}_sum`, { family: family.name, labels });
      names.set(`${family.name}_count`, { family: family.name, labels });
    } else {
      // Counters and gauges are exposed under exactly their given name (prom-client adds no _total).
      names.set(family.name, { family: family.name, labels });
    }
  }
  return { names, families, text: await registry.metrics() };
}

// ─── The dashboard ─────────────────────────────────────────────────────────────────────────────

interface Target {
  expr?: string;
  refId?: string;
  datasource?: unknown;
}
interface Panel {
  id?: number;
  type?: string;
  title?: string;
  description?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
  datasource?: unknown;
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  definition?: string;
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
const allPanels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const variableQuery = (variable: Variable) => (typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? variable.definition ?? ''));

/** Every PromQL expression on the dashboard, with where it is. */
function expressions(): { where: string; expr: string; label?: string }[] {
  const found: { where: string; expr: string; label?: string }[] = [];
  for (const panel of allPanels) {
    for (const target of panel.targets ?? []) {
      if (target.expr !== undefined) found.push({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr });
    }
  }
  for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
    const { expr, label } = readVariableQuery(variableQuery(variable));
    found.push({ where: `variable $${variable.name}`, expr: expr ?? '', label });
  }
  return found;
}

describe('the PromQL reader', () => {
  it('finds metric names, not functions, aggregations, keywords, labels, strings or Grafana variables', () => {
    const names = (expr: string) => readPromQL(expr).metrics.sort();
    expect(names('sum by (consumer, version) (rate(gateway_requests_total{consumer=~"$consumer", status=~"5.."}[$__rate_interval]))')).toEqual(['gateway_requests_total']);
    expect(names('histogram_quantile(0.95, sum by (le) (rate(x_seconds_bucket{instance=~"${instance:regex}"}[5m])))')).toEqual(['x_seconds_bucket']);
    expect(names('sum(rate(a_total[5m])) by (job) / ignoring(code) group_left sum without (code) (rate(b_total{code="500"}[5m] offset 1h30m))')).toEqual(['a_total', 'b_total']);
    expect(names('up == bool 1 and on(instance) node_load1 or vector(0) unless absent(foo)')).toEqual(['foo', 'node_load1', 'up']);
    expect(names('max_over_time(deriv(rule:level:rate5m[5m:1m])[1h:]) * 1e3 - time() + process_start_time_seconds @ start()')).toEqual(['process_start_time_seconds', 'rule:level:rate5m']);
    expect(names('label_replace(up, "by", "$1", "instance", "(.*)") + {__name__="nodejs_version_info", major!="0"}')).toEqual(['nodejs_version_info', 'up']);
    expect(names('count(count by (sum) (metric_named_like_label{sum="by"}))  # sum by (not_a_metric)')).toEqual(['metric_named_like_label']);
    expect(names('topk(5, sum by (upstream) (rate(calls[$__interval]))) > 0.5')).toEqual(['calls']);
  });

  it('reads the labels of matchers and of by/without clauses with the metrics they group', () => {
    const use = readPromQL('sum by (upstream) (rate(r_total{outcome="x", instance=~"$i"}[5m])) / sum by (upstream, le) (rate(h_bucket[5m])) + max(g) without (space)');
    expect(use.selectors).toEqual([
      { metric: 'r_total', labels: ['outcome', 'instance'] },
      { metric: 'h_bucket', labels: [] },
      { metric: 'g', labels: [] },
    ]);
    expect(use.groupings).toEqual([
      { keyword: 'by', labels: ['upstream'], metrics: ['r_total'] },
      { keyword: 'by', labels: ['upstream', 'le'], metrics: ['h_bucket'] },
      { keyword: 'without', labels: ['space'], metrics: ['g'] },
    ]);
    expect(readPromQL('max by (instance) (sum by (instance, kind) (rate(gc_sum[5m])))').groupings.map((g) => g.metrics)).toEqual([['gc_sum'], ['gc_sum']]);
  });

  it('reads Grafana variable queries', () => {
    expect(readVariableQuery('label_values(gateway_requests_total{consumer=~"$consumer"}, version)')).toEqual({ expr: 'gateway_requests_total{consumer=~"$consumer"}', label: 'version' });
    expect(readVariableQuery('label_values(instance)')).toEqual({ expr: undefined, label: 'instance' });
    expect(readVariableQuery('query_result(sum by (consumer) (x))')).toEqual({ expr: 'sum by (consumer) (x)' });
  });

  it('refuses what it cannot read rather than miss a name', () => {
    expect(() => readPromQL('{job="x"}')).toThrow(/without a metric name/);
    expect(() => readPromQL('rate(x[5m)')).toThrow(/unterminated/);
    expect(() => readPromQL('x by (a)')).toThrow(/not after an aggregation/);
  });
});

describe(`the Grafana dashboard (${DASHBOARD_FILE})`, () => {
  let exposed: Exposed;
  beforeAll(async () => {
    exposed = await exposedByGateway();
  });

  it('the registry read here is expanded as /metrics exposes it', () => {
    // Every series name in the registry's own exposition text is one this test expects.
    const samples = new Set(exposed.text.split('\n').filter((line) => line && !line.startsWith('#')).map((line) => /^[a-zA-Z_:][\w:]*/.exec(line)![0]));
    expect(samples.size).toBeGreaterThan(10);
    for (const sample of samples) expect(exposed.names.has(sample), sample).toBe(true);
    const types = new Map([...exposed.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1]!, match[2]!]));
    expect(types).toEqual(exposed.families);
  });

  it('is "sirius-gateway" with a stable uid, a current schema and the consumer and version variables', () => {
    expect(dashboard.title).toBe('sirius-gateway');
    expect(dashboard.uid).toBe('sirius-gateway');
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const variables = new Map(dashboard.templating.list.map((variable) => [variable.name, variable]));
    expect(variables.get('DS_PROMETHEUS')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const name of ['consumer', 'version']) {
      const variable = variables.get(name);
      expect(variable?.type, name).toBe('query');
      expect(readVariableQuery(variableQuery(variable!)).label).toBe(name);
    }
  });

  it('names no datasource by a hard-coded uid: every query goes to ${DS_PROMETHEUS}', () => {
    const datasources: unknown[] = [];
    (function walk(value: unknown): void {
      if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === 'object') {
        for (const [key, child] of Object.entries(value)) {
          if (key === 'datasource') datasources.push(child);
          walk(child);
        }
      }
    })(dashboard);
    expect(datasources.length).toBeGreaterThan(0);
    for (const datasource of datasources) {
      const builtInAnnotations = { type: 'grafana', uid: '-- Grafana --' };
      if (JSON.stringify(datasource) === JSON.stringify(builtInAnnotations)) continue;
      expect(datasource).toEqual({ type: 'prometheus', uid: DATASOURCE });
    }
    for (const panel of allPanels.filter((p) => p.type !== 'row')) {
      expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: DATASOURCE });
    }
  });

  it('gives every panel a title, a description, a unique id, a place on the grid and queries', () => {
    const ids = allPanels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of allPanels) {
      expect(panel.title?.trim(), `panel ${panel.id}`).toBeTruthy();
      expect(panel.description?.trim(), `panel "${panel.title}" has no description`).toBeTruthy();
      expect(panel.gridPos && panel.gridPos.x + panel.gridPos.w <= 24, `panel "${panel.title}" gridPos`).toBe(true);
      if (panel.type === 'row') continue;
      expect(panel.targets?.length, `panel "${panel.title}" has no queries`).toBeGreaterThan(0);
      const refIds = panel.targets!.map((target) => target.refId);
      expect(new Set(refIds).size, `panel "${panel.title}" refIds`).toBe(refIds.length);
      for (const target of panel.targets!) expect(target.expr?.trim(), `panel "${panel.title}" ${target.refId}`).toBeTruthy();
    }
  });

  it('queries only metrics the gateway exposes', () => {
    const unknown: string[] = [];
    for (const { where, expr } of expressions()) {
      const { metrics } = readPromQL(expr);
      expect(metrics.length, `${where}: no metric in ${expr}`).toBeGreaterThan(0);
      for (const metric of metrics) if (!exposed.names.has(metric)) unknown.push(`${where}: ${metric}`);
    }
    expect(unknown, 'metrics the gateway does not expose').toEqual([]);
  });

  it('matches, groups and lists only labels those metrics carry', () => {
    const wrong: string[] = [];
    const check = (where: string, metric: string, label: string) => {
      const series = exposed.names.get(metric);
      if (series && !series.labels.has(label)) wrong.push(`${where}: ${metric} has no label ${label}`);
    };
    for (const { where, expr, label } of expressions()) {
      const use = readPromQL(expr);
      for (const selector of use.selectors) for (const l of selector.labels) check(where, selector.metric, l);
      for (const grouping of use.groupings) {
        expect(grouping.metrics.length, `${where}: ${grouping.keyword} (${grouping.labels.join(', ')}) groups no metric`).toBeGreaterThan(0);
        for (const metric of grouping.metrics) for (const l of grouping.labels) check(where, metric, l);
      }
      if (label) for (const metric of use.metrics) check(where, metric, label);
    }
    expect(wrong).toEqual([]);
  });

  it('shows every gateway metric (or says why not)', () => {
    const used = new Set(expressions().flatMap(({ expr }) => readPromQL(expr).metrics.map((metric) => exposed.names.get(metric)?.family)));
    const missing = [...exposed.families.keys()].filter((family) => family.startsWith('gateway_') && !used.has(family) && !(family in NOT_ON_DASHBOARD));
    expect(missing, 'gateway metrics not on the dashboard: add a panel, or to NOT_ON_DASHBOARD with the reason').toEqual([]);
    for (const family of Object.keys(NOT_ON_DASHBOARD)) expect(exposed.families.has(family), `NOT_ON_DASHBOARD lists ${family}, which no longer exists`).toBe(true);
  });
});

describe('the gateway serves that registry at /metrics', () => {
  let gateway: TestGateway;
  beforeAll(async () => {
    gateway = await startTestGateway();
  });
  afterAll(() => gateway.close());

  it('a running gateway exposes exactly the metric families read from createMetrics', async () => {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    const served = new Map([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((match) => [match[1]!, match[2]!]));
    expect(served).toEqual((await exposedByGateway()).families);
  });
});
