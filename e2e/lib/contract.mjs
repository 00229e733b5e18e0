// The API contract, checked: every response an e2e test receives is validated against
// docs/openapi.yaml (the documented statuses of its operation and their JSON schemas), so a document
// that drifts from the server fails a test instead of misleading a client author.
//
//   import { checkApiResponse, watchApiResponses } from './lib/contract.mjs';
//   checkApiResponse('GET', '/api/v1/me', 200, body)   -> [] or ['GET /api/v1/me 200: /balance_fen must be integer', ...]
//   const watch = watchApiResponses(page);             every /api/ response the page receives ...
//   await watch.assertClean();                         ... throws listing the violations, if any
//
// OpenAPI 3.0 schemas are JSON Schema plus `nullable`, which Ajv understands natively; `example`,
// `x-*` and the other annotations are not keywords, hence strict: false. ajv, ajv-formats and yaml
// come from web/node_modules like playwright-core (one npm install for the repo).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(root, 'web', 'package.json'));
const Ajv = require('ajv');
const addFormats = require('ajv-formats');
const YAML = require('yaml');

const kDocId = 'openapi.json';

/** A response that breaks the contract (thrown by the stack's API helper). */
export class ContractViolation extends Error {
  constructor(violations) {
    super(`API response breaks docs/openapi.yaml:\n  ${violations.join('\n  ')}`);
    this.violations = violations;
  }
}

let cached = null;

function escapePointer(token) {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function compileContract() {
  const file = path.join(root, 'docs', 'openapi.yaml');
  const doc = YAML.parse(fs.readFileSync(file, 'utf8'));
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // The whole document is one schema resource, so `#/components/schemas/X` inside any response
  // schema resolves against it; each response schema is then compiled by its JSON pointer.
  ajv.addSchema(doc, kDocId);
  const validators = new Map();
  const validatorAt = (pointer) => {
    if (!validators.has(pointer)) validators.set(pointer, ajv.compile({ $ref: `${kDocId}#${pointer}` }));
    return validators.get(pointer);
  };
  // Literal segments outrank parameters: /orders/current before /orders/{id}.
  const routes = Object.keys(doc.paths)
    .map((template) => ({
      template,
      params: (template.match(/\{[^}]+\}/g) ?? []).length,
      regex: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }))
    .sort((a, b) => a.params - b.params);
  return { doc, routes, validatorAt };
}

function contract() {
  cached ??= compileContract();
  return cached;
}

/** Follows a `$ref` to #/components/... once (responses are referenced, never nested deeper). */
function resolveResponse(doc, response, pointer) {
  if (!response?.$ref) return { response, pointer };
  const target = response.$ref.replace(/^#/, '');
  const value = target
    .split('/')
    .slice(1)
    .reduce((node, token) => node?.[token.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  return { response: value, pointer: target };
}

function describeErrors(errors) {
  return (errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || '(body)'} ${e.message}${e.params?.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`);
}

/**
 * Validates one API answer against docs/openapi.yaml. urlPath is the path under the server root
 * (`/api/v1/orders/7`, a query string is ignored); body the parsed JSON (undefined when empty).
 * Returns the violations as strings, [] when the answer is documented.
 */
export function checkApiResponse(method, urlPath, status, body) {
  const { doc, routes, validatorAt } = contract();
  const pathOnly = urlPath.split('?')[0];
  const where = `${method.toUpperCase()} ${pathOnly} ${status}`;
  const route = routes.find((r) => r.regex.test(pathOnly));
  if (!route) {
    // An unknown path is a 404 the conventions promise; anything else is an undocumented route.
    if (status === 404) return checkErrorBody(where, body, validatorAt, 'not_found');
    return [`${where}: path not in docs/openapi.yaml`];
  }
  const operation = doc.paths[route.template][method.toLowerCase()];
  if (!operation) {
    if (status === 405) return checkErrorBody(where, body, validatorAt, 'method_not_allowed');
    return [`${where}: method not documented for ${route.template}`];
  }
  const opPointer = `/paths/${escapePointer(route.template)}/${method.toLowerCase()}`;
  const key = String(status) in operation.responses ? String(status) : null;
  if (!key) {
    // Statuses every route may answer (info.description "Errors"), each with its one code: 500
    // internal, 413 payload_too_large and, behind a token, 503 unavailable when Redis is down. A
    // finer code (503 charger_offline) must be listed on the operation itself.
    const authenticated = (operation.security ?? doc.security ?? []).length > 0;
    const implicit = { 500: 'internal', 413: 'payload_too_large', ...(authenticated ? { 503: 'unavailable' } : {}) }[status];
    if (implicit) return checkErrorBody(where, body, validatorAt, implicit);
    return [
      `${where}: status not documented for ${method.toUpperCase()} ${route.template} (documented: ${Object.keys(operation.responses).join(', ')})`,
    ];
  }
  const { response, pointer } = resolveResponse(doc, operation.responses[key], `${opPointer}/responses/${key}`);
  const json = response?.content?.['application/json'];
  if (!json?.schema) {
    return body === undefined ? [] : [`${where}: documented without a body, got ${JSON.stringify(body).slice(0, 120)}`];
  }
  if (body === undefined) return [`${where}: documented with a JSON body, got none`];
  const validate = validatorAt(`${pointer}/content/application~1json/schema`);
  if (!validate(body)) return describeErrors(validate.errors).map((e) => `${where}: ${e}`);
  return undocumentedFields(doc, json.schema, body, '').map((field) => `${where}: ${field} is not documented`);
}

/**
 * Fields of body that no schema documents. JSON Schema lets an object carry any extra property,
 * so a field the server added (or renamed) would pass validation; the document would drift
 * silently. An object is open only where the document says so (additionalProperties).
 */
function undocumentedFields(doc, schema, value, at) {
  const resolved = schema?.$ref ? resolveResponse(doc, schema).response : schema;
  if (!resolved || value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item, i) => undocumentedFields(doc, resolved.items, item, `${at}/${i}`));
  // allOf merges its members' properties; for oneOf/anyOf any branch may document a field.
  const parts = [
    resolved,
    ...[...(resolved.allOf ?? []), ...(resolved.oneOf ?? []), ...(resolved.anyOf ?? [])].map((part) =>
      part.$ref ? resolveResponse(doc, part).response : part,
    ),
  ];
  const properties = {};
  for (const part of parts) {
    for (const [name, sub] of Object.entries(part.properties ?? {})) (properties[name] ??= []).push(sub);
    // A composite member may itself be composite (allOf of a $ref'd allOf).
    for (const nested of [...(part.allOf ?? []), ...(part.oneOf ?? []), ...(part.anyOf ?? [])]) {
      if (!parts.includes(nested)) parts.push(nested.$ref ? resolveResponse(doc, nested).response : nested);
    }
  }
  if (parts.some((part) => part.additionalProperties !== undefined && part.additionalProperties !== false)) return [];
  return Object.entries(value).flatMap(([name, field]) => {
    if (!properties[name]) return [`${at}/${name}`];
    // With several schemas for one field, it is documented if any of them documents all of it.
    const each = properties[name].map((sub) => undocumentedFields(doc, sub, field, `${at}/${name}`));
    return each.some((list) => list.length === 0) ? [] : each[0];
  });
}

function checkErrorBody(where, body, validatorAt, code) {
  const validate = validatorAt('/components/schemas/Error');
  if (!validate(body)) return describeErrors(validate.errors).map((e) => `${where}: ${e}`);
  return body.code === code ? [] : [`${where}: code ${body.code} is not documented here (only ${code} is implied)`];
}

/** Throws ContractViolation when the answer is not documented (for helpers that make API calls). */
export function assertApiResponse(method, urlPath, status, body) {
  const violations = checkApiResponse(method, urlPath, status, body);
  if (violations.length) throw new ContractViolation(violations);
}

/**
 * Validates every /api/ response a Playwright page receives (WebSocket upgrades aside).
 * Returns { violations, checked, assertClean() }; assertClean waits for the bodies still being read and
 * throws a ContractViolation listing what broke the contract.
 */
export function watchApiResponses(page) {
  const violations = [];
  const pending = new Set();
  page.on('response', (response) => {
    const url = new URL(response.url());
    if (!url.pathname.startsWith('/api/') || url.pathname === '/api/v1/ws' || response.status() === 101) return;
    const method = response.request().method();
    const task = (async () => {
      let text;
      try {
        text = await response.text();
      } catch {
        return; // the page navigated away before the body arrived: nothing to check
      }
      let body;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        violations.push(`${method} ${url.pathname} ${response.status()}: not JSON: ${text.slice(0, 120)}`);
        return;
      }
      watch.checked += 1;
      violations.push(...checkApiResponse(method, url.pathname, response.status(), body));
    })();
    pending.add(task);
    task.finally(() => pending.delete(task));
  });
  const watch = {
    violations,
    /** How many API answers were validated so far. */
    checked: 0,
    async assertClean() {
      await Promise.allSettled([...pending]);
      if (violations.length) throw new ContractViolation(violations);
    },
  };
  return watch;
}

/** `METHOD /template` of the documented operation a request hits, or null. */
export function operationOf(method, urlPath) {
  const { doc, routes } = contract();
  const route = routes.find((r) => r.regex.test(urlPath.split('?')[0]));
  return route && doc.paths[route.template][method.toLowerCase()] ? `${method.toUpperCase()} ${route.template}` : null;
}

/** Every documented operation as `METHOD /template`. */
export function documentedOperations() {
  const { doc } = contract();
  return Object.entries(doc.paths).flatMap(([template, item]) =>
    Object.keys(item)
      .filter((key) => ['get', 'post', 'put', 'patch', 'delete'].includes(key))
      .map((method) => `${method.toUpperCase()} ${template}`),
  );
}
