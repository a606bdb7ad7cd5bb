import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const load = (name: string) => JSON.parse(readFileSync(new URL(`./schema/${name}`, import.meta.url), 'utf8'));

/** The ratified EPCIS 2.0.1 JSON schema (bundled byte copy). */
export const EPCIS_SCHEMA = load('epcis-json-schema.json') as { $id: string; definitions: Record<string, unknown> };
/** The EPCIS 2.0 query schema. */
export const QUERY_SCHEMA = load('query-schema.json') as { $id: string };

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ strict: false, allErrors: false, validateFormats: true });
addFormats(ajv);
ajv.addSchema(EPCIS_SCHEMA);

const documentValidator = ajv.getSchema(EPCIS_SCHEMA.$id) as ValidateFunction;
const eventValidator = ajv.getSchema(`${EPCIS_SCHEMA.$id}#/definitions/EPCIS-Document-Event`) as ValidateFunction;

/** One schema fault: where (a JSON pointer-like dotted path) and what. */
export interface SchemaFault {
  path: string;
  message: string;
}

/** Validates a whole EPCIS document or a standalone event (the schema's root dispatches on `type`). */
export function validateEpcisDocument(doc: unknown): SchemaFault[] {
  return documentValidator(doc) ? [] : faults(documentValidator.errors);
}

/** Validates one event taken from a document's eventList. */
export function validateDocumentEvent(event: unknown): SchemaFault[] {
  return eventValidator(event) ? [] : faults(eventValidator.errors);
}

function faults(errors: ErrorObject[] | null | undefined): SchemaFault[] {
  const list = errors ?? [];
  // ajv reports the deepest failure first and then each enclosing if/then; the first few carry the meaning.
  const meaningful = list.filter((e) => e.keyword !== 'if' && e.keyword !== 'allOf');
  return (meaningful.length ? meaningful : list).slice(0, 5).map((e) => ({
    path: pointerToPath(e.instancePath) + (e.keyword === 'required' ? `.${(e.params as { missingProperty: string }).missingProperty}` : ''),
    message: describe(e),
  }));
}

function describe(e: ErrorObject): string {
  if (e.keyword === 'required') return `is required`;
  if (e.keyword === 'enum') return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.slice(0, 8).join(', ')}…`;
  if (e.keyword === 'propertyNames') return `has a property that is not allowed here: "${(e.params as { propertyName: string }).propertyName}"`;
  return e.message ?? e.keyword;
}

/** `/epcisBody/eventList/3/epcList/0` → `epcisBody.eventList[3].epcList[0]` */
export function pointerToPath(pointer: string): string {
  if (!pointer) return '(document)';
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}
