/**
 * Validation of the catalog's DCAT-AP export against the official DCAT-AP 3.0.0 SHACL shapes
 * (SEMICeu/DCAT-AP, releases/3.0.0/html/shacl: shapes.ttl and range.ttl, copied beside this file):
 * the JSON-LD is expanded to RDF by jsonld, the shapes parsed by N3, and rdf-validate-shacl reports.
 */
import { readFileSync } from 'node:fs';
import rdf from '@zazuko/env-node';
import jsonld from 'jsonld';
import { Parser } from 'n3';
import type { NamedNode } from '@rdfjs/types';
import SHACLValidator from 'rdf-validate-shacl';

const SHAPE_FILES = ['shapes.ttl', 'range.ttl'].map((f) => new URL(`./dcat-ap-3.0.0/${f}`, import.meta.url));

export interface Violation {
  focus: string;
  path: string | undefined;
  message: string;
}

/** Whether a string is an absolute IRI as RFC 3987 allows (no spaces, braces, angle brackets, quotes …). */
export const isValidIri = (iri: string): boolean => /^[a-z][a-z0-9+.-]*:[^\s<>"{}|\\^`]*$/i.test(iri);

interface JsonLdTerm {
  termType: 'NamedNode' | 'BlankNode' | 'Literal' | 'DefaultGraph';
  value: string;
  datatype?: { value: string };
  language?: string;
}
interface JsonLdQuad {
  subject: JsonLdTerm;
  predicate: JsonLdTerm;
  object: JsonLdTerm;
}

function term(t: JsonLdTerm) {
  if (t.termType === 'NamedNode') return rdf.namedNode(t.value);
  if (t.termType === 'BlankNode') return rdf.blankNode(t.value.replace(/^_:/, ''));
  return rdf.literal(t.value, t.language || (t.datatype ? rdf.namedNode(t.datatype.value) : undefined));
}

export async function validateDcat(document: object): Promise<{ violations: Violation[]; invalidIris: string[]; triples: number }> {
  const shapes = rdf.dataset(new Parser().parse(SHAPE_FILES.map((f) => readFileSync(f, 'utf8')).join('\n')));
  const quads = (await jsonld.toRDF(document as jsonld.JsonLdDocument)) as unknown as JsonLdQuad[];
  const invalidIris = [
    ...new Set(quads.flatMap((q) => [q.subject, q.predicate, q.object]).filter((term) => term.termType === 'NamedNode' && !isValidIri(term.value)).map((term) => term.value)),
  ];
  const data = rdf.dataset(quads.map((q) => rdf.quad(term(q.subject) as NamedNode, term(q.predicate) as NamedNode, term(q.object))));
  const report = await new SHACLValidator(shapes, { factory: rdf }).validate(data);
  const violations = report.results
    .filter((r) => r.severity?.value === 'http://www.w3.org/ns/shacl#Violation')
    .map((r) => ({ focus: r.focusNode?.value ?? '', path: r.path?.value, message: r.message.map((m) => m.value).join('; ') }));
  return { violations, invalidIris, triples: quads.length };
}
