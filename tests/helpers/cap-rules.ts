import { CAP_NAMESPACE } from '../../server/alerts/cap';
import { child, type XmlElement } from './xml';

// The element order and value sets below are those of the OASIS CAP 1.2 schema (cap_1.2 §3.2).
const ALERT_ORDER = ['identifier', 'sender', 'sent', 'status', 'msgType', 'source', 'scope', 'restriction', 'addresses', 'code', 'note', 'references', 'incidents', 'info'];
const INFO_ORDER = ['language', 'category', 'event', 'responseType', 'urgency', 'severity', 'certainty', 'audience', 'eventCode', 'effective', 'onset', 'expires', 'senderName', 'headline', 'description', 'instruction', 'web', 'contact', 'parameter', 'resource', 'area'];
const AREA_ORDER = ['areaDesc', 'polygon', 'circle', 'geocode', 'altitude', 'ceiling'];
const REQUIRED_ALERT = ['identifier', 'sender', 'sent', 'status', 'msgType', 'scope'];
const REQUIRED_INFO = ['category', 'event', 'urgency', 'severity', 'certainty'];
const ENUMS: Record<string, string[]> = {
  status: ['Actual', 'Exercise', 'System', 'Test', 'Draft'],
  msgType: ['Alert', 'Update', 'Cancel', 'Ack', 'Error'],
  scope: ['Public', 'Restricted', 'Private'],
  category: ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'],
  urgency: ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'],
  severity: ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'],
  certainty: ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'],
};
// CAP dateTime: no fractional seconds, a numeric offset, never 'Z'.
const CAP_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;
const NO_SPACE_OR_COMMA = /^[^\s,<&]+$/;

/** Every rule of the schema that our messages touch; returns the violations. */
export function capViolations(root: XmlElement): string[] {
  const problems: string[] = [];
  const ordered = (element: XmlElement, order: string[]) => {
    let last = -1;
    for (const c of element.children) {
      const index = order.indexOf(c.name);
      if (index === -1) problems.push(`${element.name}: unknown element ${c.name}`);
      else if (index < last) problems.push(`${element.name}: ${c.name} out of order`);
      else last = index;
    }
  };
  const enumCheck = (element: XmlElement) => {
    for (const c of element.children) if (ENUMS[c.name] && !ENUMS[c.name].includes(c.text)) problems.push(`${c.name}: '${c.text}' not allowed`);
  };
  if (root.name !== 'alert' || root.attributes.xmlns !== CAP_NAMESPACE) problems.push('root is not a CAP 1.2 alert');
  ordered(root, ALERT_ORDER);
  enumCheck(root);
  for (const name of REQUIRED_ALERT) if (!child(root, name)) problems.push(`alert: ${name} missing`);
  if (!NO_SPACE_OR_COMMA.test(child(root, 'identifier')?.text ?? '')) problems.push('identifier has spaces or commas');
  if (!NO_SPACE_OR_COMMA.test(child(root, 'sender')?.text ?? '')) problems.push('sender has spaces or commas');
  if (!CAP_TIME.test(child(root, 'sent')?.text ?? '')) problems.push('sent is not a CAP time');
  if (child(root, 'scope')?.text === 'Restricted' && !child(root, 'restriction')) problems.push('restricted without restriction');
  const msgType = child(root, 'msgType')?.text;
  const references = child(root, 'references');
  if ((msgType === 'Update' || msgType === 'Cancel') && !references) problems.push('follow-up without references');
  for (const reference of references?.text.split(' ') ?? []) {
    const [sender, identifier, sent] = reference.split(',');
    if (!sender || !identifier || !CAP_TIME.test(sent ?? '')) problems.push(`reference '${reference}' is not sender,identifier,sent`);
  }
  for (const info of root.children.filter((c) => c.name === 'info')) {
    ordered(info, INFO_ORDER);
    enumCheck(info);
    for (const name of REQUIRED_INFO) if (!child(info, name)) problems.push(`info: ${name} missing`);
    for (const parameter of info.children.filter((c) => c.name === 'parameter')) {
      if (parameter.children.map((c) => c.name).join(',') !== 'valueName,value') problems.push('parameter is not valueName, value');
    }
    for (const area of info.children.filter((c) => c.name === 'area')) {
      ordered(area, AREA_ORDER);
      if (!child(area, 'areaDesc')) problems.push('area: areaDesc missing');
      for (const polygon of area.children.filter((c) => c.name === 'polygon')) {
        const pairs = polygon.text.trim().split(/\s+/);
        if (pairs.length < 4) problems.push('polygon has fewer than 4 points');
        if (pairs[0] !== pairs[pairs.length - 1]) problems.push('polygon is not closed');
        for (const pair of pairs) {
          const [lat, lon, extra] = pair.split(',').map(Number);
          if (extra !== undefined || !(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) problems.push(`polygon point '${pair}' is not lat,lon`);
        }
      }
    }
  }
  return problems;
}

