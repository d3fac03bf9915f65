import type { Report } from '../../shared/board-schema';
import type { IncidentNetwork } from '../../shared/incident';
import type { Sector } from '../../shared/domain';
import { escapeMarkup as xml } from '../../shared/markup';

/** The EDXL-HAVE 1.0 namespace. */
export const HAVE_NAMESPACE = 'urn:oasis:names:tc:emergency:EDXL:HAVE:1.0';
const XNL = 'urn:oasis:names:tc:ciq:xnl:3';
const XPIL = 'urn:oasis:names:tc:ciq:xpil:3';
const GML = 'http://www.opengis.net/gml';

// HAVE bed types are hospital categories; care sectors map to the nearest one.
const BED_TYPE: Partial<Record<Sector, string>> = {
  hospital: 'MedicalSurgical',
  'nursing-care': 'RehabLongTermCare',
  'recovery-care': 'RehabLongTermCare',
  'disability-care': 'RehabLongTermCare',
  'mental-health': 'AdultPsychiatric',
  'acute-mental-health': 'AdultPsychiatric',
};

// HAVE's FacilityStatus for our operation states: a location sheltering in place or working
// limited is compromised; an evacuated one is, as a facility, closed.
const FACILITY_STATUS: Record<string, string> = {
  normal: 'Normal',
  limited: 'Compromised',
  'shelter-in-place': 'Compromised',
  evacuating: 'Evacuating',
  evacuated: 'Closed',
  closed: 'Closed',
};

const UTILITIES = ['power', 'water', 'heating', 'telecom'] as const;

/** The utilities that are not simply in order, as `power: backup` (HAVE has no element per utility). */
function utilityTrouble(report: Report): string[] {
  return UTILITIES.filter((u) => report[u] !== undefined && report[u] !== 'ok').map((u) => `${u}: ${report[u]}`);
}

/**
 * The status of the reported care locations at one moment as an EDXL-HAVE 1.0 HospitalStatus:
 * one Hospital per location with its organisation name, place (GML point), impact and remarks as
 * comment, beds free against the usual number, the operation as HospitalFacilityStatus/
 * FacilityStatus, the utilities as HospitalResourcesStatus/FacilityOperations (Insufficient when
 * any is out, degraded or on emergency power, named in its CommentText), and the time of the last
 * change. Undefined when no location has reported yet: a HAVE message holds at least one Hospital.
 */
export function toHave({ network, reports }: { network: IncidentNetwork; reports: ReadonlyMap<string, Report> }): string | undefined {
  const reported = network.locations.flatMap((location) => {
    const report = reports.get(location.id);
    return report?.stamp ? [{ location, report, stamp: report.stamp }] : [];
  });
  if (reported.length === 0) return undefined;
  const organisations = new Map(network.organisations.map((o) => [o.id, o]));
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<HospitalStatus xmlns="${HAVE_NAMESPACE}" xmlns:xnl="${XNL}" xmlns:xpil="${XPIL}" xmlns:gml="${GML}">`,
  ];
  for (const { location, report, stamp } of reported) {
    const organisation = organisations.get(location.organisationId);
    const comment = [
      `impact: ${report.impact ?? 'unknown'}`,
      report.toEvacuate !== undefined ? `toEvacuate: ${report.toEvacuate}` : '',
      report.remarks ? `remarks: ${report.remarks}` : '',
    ].filter(Boolean).join('; ');
    const trouble = utilityTrouble(report);
    // Normal operation on emergency power or without water is not normal for HAVE either.
    const facility = report.operation ? (report.operation === 'normal' && trouble.length > 0 ? 'Compromised' : FACILITY_STATUS[report.operation]) : undefined;
    lines.push(
      '  <Hospital>',
      '    <Organization>',
      '      <OrganizationInformation>',
      '        <xnl:OrganisationName>',
      `          <xnl:NameElement>${xml(`${location.name} (${organisation?.name ?? location.organisationId})`)}</xnl:NameElement>`,
      '        </xnl:OrganisationName>',
      '      </OrganizationInformation>',
      '      <OrganizationGeoLocation>',
      `        <gml:Point><gml:pos>${location.lat} ${location.lon}</gml:pos></gml:Point>`,
      '      </OrganizationGeoLocation>',
      `      <CommentText>${xml(comment)}</CommentText>`,
      '    </Organization>',
    );
    const bedType = organisation ? BED_TYPE[organisation.sector] : undefined;
    if (bedType && report.bedsFree !== undefined) {
      lines.push(
        '    <HospitalBedCapacityStatus>',
        '      <BedCapacity>',
        `        <BedType>${bedType}</BedType>`,
        '        <Capacity>',
        `          <CapacityStatus>${report.bedsFree > 0 ? 'Vacant/Available' : 'NotAvailable'}</CapacityStatus>`,
        `          <AvailableCount>${report.bedsFree}</AvailableCount>`,
        `          <BaselineCount>${location.capacity}</BaselineCount>`,
        '        </Capacity>',
        '      </BedCapacity>',
        '    </HospitalBedCapacityStatus>',
      );
    }
    if (facility) lines.push('    <HospitalFacilityStatus>', `      <FacilityStatus>${facility}</FacilityStatus>`, '    </HospitalFacilityStatus>');
    const checked = UTILITIES.some((u) => report[u] !== undefined);
    if (checked) {
      lines.push('    <HospitalResourcesStatus>', `      <FacilityOperations>${trouble.length > 0 ? 'Insufficient' : 'Adequate'}</FacilityOperations>`);
      if (trouble.length > 0) lines.push(`      <CommentText>${xml(trouble.join('; '))}</CommentText>`);
      lines.push('    </HospitalResourcesStatus>');
    }
    lines.push(`    <LastUpdateTime>${stamp.at.replace(/\.\d{3}Z$/, 'Z')}</LastUpdateTime>`, '  </Hospital>');
  }
  lines.push('</HospitalStatus>', '');
  return lines.join('\n');
}
