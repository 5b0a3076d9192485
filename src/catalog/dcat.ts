import type { Department } from '../departments/index.ts';
import type { LicenseTypeStandard } from '../standards/index.ts';
import type { AccessMode, CatalogEntry, SharingClass } from './catalog.ts';

/**
 * The catalog as DCAT-AP (3.0) JSON-LD, so a national or EU-style data portal can harvest it:
 * one dcat:Dataset per resource, published by its owning department, one dcat:Distribution per
 * access mode. The sharing class maps onto the EU access-right vocabulary and is kept verbatim
 * as certbridge:sharingClass; fields and their sensitivity, which DCAT has no terms for, are
 * certbridge: terms defined in the @context. It conforms to the official DCAT-AP 3.0.0 SHACL shapes
 * (test/catalog/dcatShacl.test.ts): every IRI valid, every object typed as the profile's range.
 */
export const DCAT_CONTEXT = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  dcatap: 'http://data.europa.eu/r5r/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  eli: 'http://data.europa.eu/eli/ontology#',
  owl: 'http://www.w3.org/2002/07/owl#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  hydra: 'http://www.w3.org/ns/hydra/core#',
  certbridge: 'https://certbridge.dev/ns#',
  'dct:issued': { '@type': 'xsd:dateTime' },
  'dct:modified': { '@type': 'xsd:dateTime' },
  'dcat:accessURL': { '@type': '@id' },
  'dcat:endpointURL': { '@type': '@id' },
} as const;

const ACCESS_RIGHTS: Record<SharingClass, { uri: string; zh: string; en: string }> = {
  // 无条件共享: open to every department's system, though not to the public.
  unconditional: { uri: 'http://publications.europa.eu/resource/authority/access-right/RESTRICTED', zh: '无条件共享', en: 'Shared unconditionally (with government departments)' },
  conditional: { uri: 'http://publications.europa.eu/resource/authority/access-right/RESTRICTED', zh: '有条件共享', en: 'Shared on conditions, by agreement' },
  'not-shared': { uri: 'http://publications.europa.eu/resource/authority/access-right/NON_PUBLIC', zh: '不予共享', en: 'Not shared' },
};

const FREQUENCY = 'http://publications.europa.eu/resource/authority/frequency/';
const FREQUENCIES: Record<string, string> = {
  realtime: 'CONT',
  'real-time': 'CONT',
  continuous: 'CONT',
  实时: 'CONT',
  daily: 'DAILY',
  每日: 'DAILY',
  weekly: 'WEEKLY',
  每周: 'WEEKLY',
  monthly: 'MONTHLY',
  每月: 'MONTHLY',
  quarterly: 'QUARTERLY',
  每季度: 'QUARTERLY',
  annual: 'ANNUAL',
  yearly: 'ANNUAL',
  每年: 'ANNUAL',
  irregular: 'IRREG',
  不定期: 'IRREG',
};

const text = (zh: string, en: string) => [
  { '@value': zh, '@language': 'zh' },
  ...(en ? [{ '@value': en, '@language': 'en' }] : []),
];

/**
 * A node of a controlled vocabulary or a document, typed as DCAT-AP's range for the property (its
 * SHACL shapes check the class): a media type, a frequency, a landing page.
 */
const typed = (iri: string, type: string) => ({ '@id': iri, '@type': type });

/**
 * The URL template of a lookup (a holder's code goes into the path), described as a Hydra IRI
 * template rather than used as an IRI: `{holderCode}` is not a valid IRI.
 */
function lookupTemplate(base: string, licenseType: string) {
  return {
    '@type': 'hydra:IriTemplate',
    'hydra:template': `${base}/api/v1/exchange/licenses/{holderCode}?type=${encodeURIComponent(licenseType)}`,
    'hydra:variableRepresentation': { '@id': 'hydra:BasicRepresentation' },
    'hydra:mapping': [{ '@type': 'hydra:IriTemplateMapping', 'hydra:variable': 'holderCode', 'hydra:required': true }],
  };
}

function distribution(base: string, r: CatalogEntry, mode: AccessMode) {
  const licensed = r.licenseType !== null;
  const modes: Record<AccessMode, { zh: string; en: string; url: string; media: string }> = {
    query: {
      zh: '按主体查询',
      en: 'Lookup by holder',
      url: licensed ? `${base}/api/v1/exchange/licenses` : `${base}/api/v1/catalog/${r.id}`,
      media: licensed ? 'application/dc+sd-jwt' : 'application/json',
    },
    subscription: { zh: '变更订阅', en: 'Change events (subscription)', url: `${base}/api/v1/subscriptions`, media: 'application/cloudevents+json' },
    bulk: {
      zh: '批量查询',
      en: 'Batch lookup',
      url: licensed ? `${base}/api/v1/exchange/licenses:batch` : `${base}/api/v1/catalog/${r.id}`,
      media: 'application/json',
    },
  };
  const m = modes[mode];
  return {
    '@id': `${base}/api/v1/catalog/${r.id}#${mode}`,
    '@type': 'dcat:Distribution',
    'dct:title': text(m.zh, m.en),
    'dcat:accessURL': m.url,
    'dcat:mediaType': typed(`https://www.iana.org/assignments/media-types/${m.media}`, 'dct:MediaType'),
    'certbridge:accessMode': mode,
    ...(mode === 'query' && r.licenseType ? { 'hydra:search': lookupTemplate(base, r.licenseType) } : {}),
    'dcat:accessService': {
      '@type': 'dcat:DataService',
      'dct:title': text(`CertBridge ${m.zh}服务`, `CertBridge ${m.en} service`),
      'dcat:endpointURL': m.url,
      'dcat:endpointDescription': { '@id': `${base}/docs/json` },
    },
  };
}

type TypeLookup = (key: string) => Pick<LicenseTypeStandard, 'key' | 'name' | 'nameEn' | 'version' | 'dataSchema'> | undefined;

function dataset(base: string, r: CatalogEntry, owner: Department | undefined, typeOf: TypeLookup) {
  const standard = r.licenseType ? typeOf(r.licenseType) : undefined;
  const rights = ACCESS_RIGHTS[r.sharingClass];
  const frequency = FREQUENCIES[r.updateCycle.toLowerCase()];
  const keywords = [
    ...(standard ? [{ '@value': standard.name, '@language': 'zh' }, { '@value': standard.nameEn, '@language': 'en' }] : []),
    { '@value': rights.zh, '@language': 'zh' },
    ...(r.dataset ? [{ '@value': r.dataset }] : []),
    ...r.fields.flatMap((f) => [
      ...(f.title ? [{ '@value': f.title, '@language': 'zh' }] : []),
      ...(f.titleEn ? [{ '@value': f.titleEn, '@language': 'en' }] : []),
    ]),
  ];
  return {
    '@id': `${base}/api/v1/catalog/${r.id}`,
    '@type': 'dcat:Dataset',
    'dct:identifier': r.id,
    'dct:title': text(r.title, r.titleEn),
    'dct:description': text(r.description || r.title, r.descriptionEn),
    'dct:publisher': {
      '@id': `${base}/api/v1/departments/${r.ownerDepartment}`,
      '@type': 'foaf:Agent',
      'dct:identifier': r.ownerDepartment,
      'foaf:name': owner ? text(owner.name, owner.nameEn) : r.ownerDepartment,
    },
    'dct:accessRights': {
      '@id': `https://certbridge.dev/ns/sharing-class/${r.sharingClass}`,
      '@type': ['dct:RightsStatement', 'skos:Concept'],
      'skos:prefLabel': text(rights.zh, rights.en),
      'skos:broadMatch': { '@id': rights.uri },
    },
    'certbridge:sharingClass': r.sharingClass,
    ...(r.conditions ? { 'certbridge:conditions': r.conditions } : {}),
    ...(r.legalBasis
      ? { 'dcatap:applicableLegislation': { '@id': `${base}/api/v1/catalog/${r.id}#legal-basis`, '@type': 'eli:LegalResource', 'dct:title': { '@value': r.legalBasis, '@language': 'zh' } } }
      : {}),
    ...(standard
      ? {
          'dct:conformsTo': {
            '@id': `${base}/api/v1/standards/license-types/${standard.key}`,
            '@type': 'dct:Standard',
            'dct:title': text(`${standard.name} ${standard.version}`, `${standard.nameEn} ${standard.version}`),
            'owl:versionInfo': standard.version,
            'dct:identifier': String(standard.dataSchema.$id ?? standard.key),
          },
        }
      : {}),
    'dcat:keyword': keywords,
    ...(frequency ? { 'dct:accrualPeriodicity': typed(`${FREQUENCY}${frequency}`, 'dct:Frequency') } : {}),
    'certbridge:updateCycle': r.updateCycle,
    'dcat:landingPage': typed(`${base}/api/v1/catalog/${r.id}`, 'foaf:Document'),
    'dcat:version': String(r.version),
    'dct:issued': r.createdAt,
    'dct:modified': r.updatedAt,
    'certbridge:field': r.fields.map((f) => ({
      '@type': 'certbridge:Field',
      'certbridge:name': f.name,
      'certbridge:sensitivity': f.sensitivity,
      ...(f.title || f.titleEn ? { 'dct:title': text(f.title ?? f.name, f.titleEn ?? '') } : {}),
    })),
    ...(Object.keys(r.serviceLevel).length > 0 ? { 'certbridge:serviceLevel': { '@type': '@json', '@value': r.serviceLevel } } : {}),
    'dcat:distribution': r.accessModes.map((mode) => distribution(base, r, mode)),
  };
}

/** The DCAT-AP catalog document (JSON-LD) of `resources`. */
export function dcatCatalog(base: string, resources: readonly CatalogEntry[], departments: readonly Department[], typeOf: TypeLookup) {
  const byCode = new Map(departments.map((d) => [d.code, d]));
  const modified = resources.reduce((latest, r) => (r.updatedAt > latest ? r.updatedAt : latest), '1970-01-01T00:00:00.000Z');
  return {
    '@context': DCAT_CONTEXT,
    '@id': `${base}/api/v1/catalog.jsonld`,
    '@type': 'dcat:Catalog',
    'dct:title': text('政务数据资源目录（电子证照共享）', 'Government data resource catalog (electronic license sharing)'),
    'dct:description': text(
      '各部门在 CertBridge 上登记的可共享数据资源：所有者、共享类型、法律依据、字段与访问方式。',
      'The data resources departments register on CertBridge: owner, sharing class, legal basis, fields and access modes.',
    ),
    'dct:publisher': { '@id': base, '@type': 'foaf:Agent', 'foaf:name': 'CertBridge' },
    'dct:modified': modified,
    'dcat:dataset': resources.map((r) => dataset(base, r, byCode.get(r.ownerDepartment), typeOf)),
  };
}
