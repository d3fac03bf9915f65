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

/**
 * The status of the reported care locations at one moment as an EDXL-HAVE 1.0 HospitalStatus:
 * one Hospital per location with its organisation name, place (GML point), impact, operation and
 * remarks as comment, beds free against the usual number, and the time of the last change.
 * Undefined when no location has reported yet: a HAVE message holds at least one Hospital.
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
      report.operation ? `operation: ${report.operation}` : '',
      report.toEvacuate !== undefined ? `toEvacuate: ${report.toEvacuate}` : '',
      report.remarks ? `remarks: ${report.remarks}` : '',
    ].filter(Boolean).join('; ');
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
    lines.push(`    <LastUpdateTime>${stamp.at.replace(/\.\d{3}Z$/, 'Z')}</LastUpdateTime>`, '  </Hospital>');
  }
  lines.push('</HospitalStatus>', '');
  return lines.join('\n');
}
