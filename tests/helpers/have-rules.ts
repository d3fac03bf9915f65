import type { XmlElement } from './xml';

const HAVE = 'urn:oasis:names:tc:emergency:EDXL:HAVE:1.0';
const XPIL = 'urn:oasis:names:tc:ciq:xpil:3';
const XNL = 'urn:oasis:names:tc:ciq:xnl:3';
const GML = 'http://www.opengis.net/gml';
const UNBOUNDED = Infinity;

/** One place in a content model: an element (namespace|local name) and how often it may occur. */
type Particle = [name: string, min: number, max: number];

/** What an element may hold: a sequence, a choice of one, or text of a given form. */
interface Rule {
  sequence?: Particle[];
  choice?: string[];
  text?: RegExp | readonly string[];
}

const h = (local: string) => `${HAVE}|${local}`;
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const INTEGER = /^[+-]?\d+$/;
const ANY_TEXT = /^[\s\S]*$/;
const NON_EMPTY = /\S/;
const DOUBLE = '[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?';

// Element order, occurrence and value sets of the EDXL-HAVE 1.0 schema and the parts of CIQ
// xPIL/xNL 3.0 and GML 3.1 it uses, for the elements our export writes. Elements the schema
// allows but we never write are listed in the sequences so that their order is still checked;
// their own content has no rule here and is reported if it ever appears.
const RULES: Record<string, Rule> = {
  [h('HospitalStatus')]: { sequence: [[h('Hospital'), 1, UNBOUNDED]] },
  [h('Hospital')]: {
    sequence: [
      [h('Organization'), 1, 1],
      [h('EmergencyDepartmentStatus'), 0, 1],
      [h('HospitalBedCapacityStatus'), 0, 1],
      [h('ServiceCoverageStatus'), 0, 1],
      [h('HospitalFacilityStatus'), 0, 1],
      [h('HospitalResourcesStatus'), 0, 1],
      [h('LastUpdateTime'), 1, 1],
    ],
  },
  [h('Organization')]: {
    sequence: [
      [h('OrganizationInformation'), 1, 1],
      [h('OrganizationGeoLocation'), 0, 1],
      [h('CommentText'), 0, UNBOUNDED],
    ],
  },
  // xpil:OrganisationDetailsType
  [h('OrganizationInformation')]: {
    sequence: [
      [`${XPIL}|FreeTextLines`, 0, 1],
      [`${XNL}|OrganisationName`, 0, UNBOUNDED],
      [`${XPIL}|Addresses`, 0, 1],
      [`${XPIL}|Accounts`, 0, 1],
      [`${XPIL}|ContactNumbers`, 0, 1],
    ],
  },
  [`${XNL}|OrganisationName`]: {
    sequence: [
      [`${XNL}|NameElement`, 0, UNBOUNDED],
      [`${XNL}|SubDivisionName`, 0, UNBOUNDED],
    ],
  },
  [`${XNL}|NameElement`]: { text: NON_EMPTY },
  // geo-oasis:WhereType
  [h('OrganizationGeoLocation')]: { choice: [`${GML}|Point`, `${GML}|LineString`, `${GML}|CircleByCenterPoint`, `${GML}|Polygon`, `${GML}|Envelope`] },
  [`${GML}|Point`]: { sequence: [[`${GML}|pos`, 1, 1]] },
  [`${GML}|pos`]: { text: new RegExp(`^\\s*${DOUBLE}\\s+${DOUBLE}\\s*$`) },
  [h('CommentText')]: { text: ANY_TEXT },
  [h('HospitalBedCapacityStatus')]: { sequence: [[h('BedCapacity'), 0, UNBOUNDED]] },
  [h('BedCapacity')]: {
    sequence: [
      [h('BedType'), 0, UNBOUNDED],
      [h('SubCategoryBedType'), 0, UNBOUNDED],
      [h('Capacity'), 0, UNBOUNDED],
      [h('CommentText'), 0, UNBOUNDED],
    ],
  },
  [h('BedType')]: {
    text: [
      'AdultICU', 'PediatricICU', 'NeonatalICU', 'EmergencyDepartment', 'NurseryBeds', 'MedicalSurgical', 'RehabLongTermCare',
      'Burn', 'Pediatrics', 'AdultPsychiatric', 'PediatricPsychiatric', 'NegativeFlowIsolation', 'OtherIsolation', 'OperatingRooms',
    ],
  },
  [h('Capacity')]: {
    sequence: [
      [h('CapacityStatus'), 0, 1],
      [h('AvailableCount'), 0, 1],
      [h('BaselineCount'), 0, 1],
      [h('AdditionalCapacityCount24Hr'), 0, 1],
      [h('AdditionalCapacityCount72Hr'), 0, 1],
    ],
  },
  [h('CapacityStatus')]: { text: ['Vacant/Available', 'NotAvailable'] },
  // Order and occurrence as in the schema's HospitalFacilityStatus and HospitalResourcesStatus
  // (read from XMLBeans classes generated from the HAVE 1.0 XSD; value sets as EDXLSharp lists them).
  [h('HospitalFacilityStatus')]: {
    sequence: [
      [h('HospitalEOCStatus'), 0, 1],
      [h('HospitalEOCPlan'), 0, 1],
      [h('ClinicalStatus'), 0, 1],
      [h('DeconCapacity'), 0, 1],
      [h('MorgueCapacity'), 0, 1],
      [h('FacilityStatus'), 0, 1],
      [h('SecurityStatus'), 0, 1],
      [h('Activity24Hr'), 0, 1],
      [h('CommentText'), 0, UNBOUNDED],
    ],
  },
  [h('FacilityStatus')]: { text: ['Normal', 'Compromised', 'Evacuating', 'Closed'] },
  [h('HospitalResourcesStatus')]: {
    sequence: [
      [h('Staffing'), 0, 1],
      [h('FacilityOperations'), 0, 1],
      [h('ClinicalOperations'), 0, 1],
      [h('ResourcesInformationText'), 0, UNBOUNDED],
      [h('CommentText'), 0, UNBOUNDED],
    ],
  },
  [h('FacilityOperations')]: { text: ['Adequate', 'Insufficient'] },
  [h('AvailableCount')]: { text: INTEGER },
  [h('BaselineCount')]: { text: INTEGER },
  [h('LastUpdateTime')]: { text: DATE_TIME },
};

/** The namespace prefixes an element declares. */
function prefixesOf(element: XmlElement): Record<string, string> {
  const scope: Record<string, string> = {};
  for (const [attribute, value] of Object.entries(element.attributes)) {
    if (attribute === 'xmlns') scope[''] = value;
    else if (attribute.startsWith('xmlns:')) scope[attribute.slice(6)] = value;
  }
  return scope;
}

/** The element's name as namespace|local, with the prefixes declared on it and above it. */
function qualified(element: XmlElement, scope: Record<string, string>): string {
  const [prefix, local] = element.name.includes(':') ? element.name.split(':') : ['', element.name];
  return `${scope[prefix] ?? `(undeclared prefix ${prefix})`}|${local}`;
}

/** Checks one sequence of children against a content model; returns what is wrong. */
function sequenceProblems(names: string[], sequence: Particle[]): string[] {
  let i = 0;
  const problems: string[] = [];
  for (const [name, min, max] of sequence) {
    let count = 0;
    while (i < names.length && names[i] === name && count < max) {
      count++;
      i++;
    }
    if (count < min) problems.push(`${name.split('|')[1]} missing (at least ${min})`);
  }
  if (i < names.length) problems.push(`${names[i]} not allowed here (unknown, out of order or repeated)`);
  return problems;
}

/**
 * Every rule of the EDXL-HAVE 1.0 schema that our export touches; returns the violations with
 * the path to each (empty when the document conforms).
 */
export function haveViolations(root: XmlElement): string[] {
  const problems: string[] = [];
  const visit = (element: XmlElement, inherited: Record<string, string>, path: string) => {
    const scope = { ...inherited, ...prefixesOf(element) };
    const name = qualified(element, scope);
    const here = `${path}/${element.name}`;
    const rule = RULES[name];
    if (!rule) {
      problems.push(`${here}: no rule for ${name}`);
      return;
    }
    const names = element.children.map((c) => qualified(c, { ...scope, ...prefixesOf(c) }));
    if (rule.sequence) for (const problem of sequenceProblems(names, rule.sequence)) problems.push(`${here}: ${problem}`);
    if (rule.choice && (names.length !== 1 || !rule.choice.includes(names[0]))) problems.push(`${here}: needs exactly one of ${rule.choice.map((c) => c.split('|')[1]).join(', ')}`);
    if (rule.text) {
      if (element.children.length > 0) problems.push(`${here}: holds elements where text belongs`);
      const ok = Array.isArray(rule.text) ? rule.text.includes(element.text.trim()) : (rule.text as RegExp).test(element.text);
      if (!ok) problems.push(`${here}: '${element.text}' is not allowed`);
    } else if (element.text.trim() !== '') {
      problems.push(`${here}: text where only elements belong`);
    }
    for (const c of element.children) visit(c, scope, here);
  };
  visit(root, {}, '');
  return problems;
}
