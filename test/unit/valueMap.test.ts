/** Value maps for enumerated fields: mapped values, case, blanks, values the platform has no option for, labels. */
import { CRM_VALUES } from '../../lib/platforms/crm';
import { freshdeskDefaultMappings } from '../../lib/platforms/freshdesk';
import { hubSpotDefaultMappings } from '../../lib/platforms/hubspot/mappings';
import { salesforceDefaultMappings } from '../../lib/platforms/salesforce/mappings';
import { zendeskDefaultMappings } from '../../lib/platforms/zendesk/mappings';
import { type FieldMapping, fromPlatformFields, MappingError, toPlatformFields, validateMappings } from '../../lib/records/mapping';
import { extendValueMap, UnmappedValueError, valueFromPlatform, valueToPlatform, type EnumeratedField } from '../../lib/records/valueMap';

const stages: EnumeratedField = {
	field: 'dealstage', internal: 'stage', where: 'hubspot deals',
	map: { out: { PROSPECTING: 'appointmentscheduled', QUALIFICATION: 'qualifiedtobuy', NEEDS_ANALYSIS: 'qualifiedtobuy', CLOSED_WON: 'Closed Won' } },
	options: [
		{ value: 'appointmentscheduled', label: 'Appointment Scheduled' },
		{ value: 'qualifiedtobuy', label: 'Qualified To Buy' },
		{ value: 'closedwon', label: 'Closed Won' },
		{ value: '12345', label: 'Discovery' },
	],
};

function refusal(run: () => unknown): UnmappedValueError {
	try {
		run();
	} catch (error) {
		if (error instanceof UnmappedValueError) return error;
		throw error;
	}
	throw new Error('expected an UnmappedValueError');
}

describe('value out to the platform', () => {
	test('a mapped value becomes the platform option; a label target becomes its stored value', () => {
		expect(valueToPlatform('PROSPECTING', stages)).toBe('appointmentscheduled');
		expect(valueToPlatform('CLOSED_WON', stages)).toBe('closedwon');
	});

	test('keys match whatever their case and surrounding blanks', () => {
		expect(valueToPlatform('prospecting', stages)).toBe('appointmentscheduled');
		expect(valueToPlatform(' Needs_Analysis ', stages)).toBe('qualifiedtobuy');
	});

	test('a value the platform lists (by value or label) passes as the stored value', () => {
		expect(valueToPlatform('closedwon', stages)).toBe('closedwon');
		expect(valueToPlatform('discovery', stages)).toBe('12345');
	});

	test('blank values pass unchanged: they clear the field', () => {
		expect(valueToPlatform(null, stages)).toBeNull();
		expect(valueToPlatform(undefined, stages)).toBeUndefined();
		expect(valueToPlatform('', stages)).toBe('');
	});

	test('an unknown value is refused naming the field, the internal path and the value, and listing the options', () => {
		const error = refusal(() => valueToPlatform('Imaginary', stages));
		expect(error).toMatchObject({ code: 'UNMAPPED_VALUE', field: 'dealstage', value: 'Imaginary' });
		expect(error.message).toContain('hubspot deals field "dealstage"');
		expect(error.message).toContain('"Imaginary"');
		expect(error.message).toContain('"stage"');
		expect(error.message).toContain('appointmentscheduled (Appointment Scheduled)');
	});

	test('a map entry whose target the platform does not list is refused, naming both', () => {
		const error = refusal(() => valueToPlatform('LOST', { ...stages, map: { out: { LOST: 'closedlost' } } }));
		expect(error.message).toContain('"LOST"');
		expect(error.message).toContain('"closedlost"');
	});

	test('an object or array is refused, not turned into text', () => {
		expect(refusal(() => valueToPlatform({ stage: 'x' }, stages)).field).toBe('dealstage');
		expect(refusal(() => valueToPlatform(['PROSPECTING'], stages)).field).toBe('dealstage');
	});

	test('without the platform options, the map alone decides: its keys, its own targets, nothing else', () => {
		const offline = { ...stages, options: undefined };
		expect(valueToPlatform('PROSPECTING', offline)).toBe('appointmentscheduled');
		expect(valueToPlatform('QualifiedToBuy', offline)).toBe('qualifiedtobuy');
		expect(refusal(() => valueToPlatform('closedwon', offline)).value).toBe('closedwon');
	});
});

describe('value in from the platform', () => {
	test('the first internal value sending to it, the `in` entry when there is one, the value itself when unknown', () => {
		expect(valueFromPlatform('qualifiedtobuy', stages.map)).toBe('QUALIFICATION');
		expect(valueFromPlatform('qualifiedtobuy', { ...stages.map!, in: { qualifiedtobuy: 'NEEDS_ANALYSIS' } })).toBe('NEEDS_ANALYSIS');
		expect(valueFromPlatform('QUALIFIEDTOBUY', stages.map)).toBe('QUALIFICATION');
		expect(valueFromPlatform('12345', stages.map)).toBe('12345');
		expect(valueFromPlatform(null, stages.map)).toBeNull();
	});

	test('a map naming an option by label reads the stored value back through the platform options', () => {
		expect(valueFromPlatform('closedwon', stages.map, stages.options)).toBe('CLOSED_WON');
	});

	test('extending a map: the extension wins both ways and the rest stays', () => {
		const extended = extendValueMap(stages.map, { out: { needs_analysis: '12345', DISCOVERY: 'qualifiedtobuy' } });
		expect(valueToPlatform('NEEDS_ANALYSIS', { ...stages, map: extended })).toBe('12345');
		expect(valueToPlatform('PROSPECTING', { ...stages, map: extended })).toBe('appointmentscheduled');
		expect(valueFromPlatform('qualifiedtobuy', extended)).toBe('DISCOVERY');
	});
});

describe('in field mappings', () => {
	const mappings: FieldMapping[] = [
		{ internal: 'name', external: 'dealname' },
		{ internal: 'stage', external: 'dealstage', values: stages.map },
	];

	test('a record maps its enumerated field and round-trips', () => {
		const fields = toPlatformFields({ name: 'Deal', stage: 'PROSPECTING' }, mappings, { where: 'hubspot deals', options: { dealstage: stages.options! } });
		expect(fields).toEqual({ dealname: 'Deal', dealstage: 'appointmentscheduled' });
		expect(fromPlatformFields(fields, mappings)).toEqual({ name: 'Deal', stage: 'PROSPECTING' });
	});

	test('a field the platform lists options for is checked even without a value map', () => {
		const plain: FieldMapping[] = [{ internal: 'lifecycle', external: 'lifecyclestage' }];
		const options = { lifecyclestage: [{ value: 'lead', label: 'Lead' }] };
		expect(toPlatformFields({ lifecycle: 'Lead' }, plain, { where: 'hubspot contacts', options })).toEqual({ lifecyclestage: 'lead' });
		expect(() => toPlatformFields({ lifecycle: 'Prospect' }, plain, { where: 'hubspot contacts', options })).toThrow(UnmappedValueError);
		expect(toPlatformFields({ lifecycle: 'Prospect' }, plain)).toEqual({ lifecyclestage: 'Prospect' });
	});

	test('a malformed value map is refused before anything is written, naming the field', () => {
		const bad = [{ internal: 'stage', external: 'dealstage', values: { out: { PROSPECTING: 1 } } }] as unknown as FieldMapping[];
		expect(() => validateMappings(bad, ['dealstage'], 'hubspot deals')).toThrow(MappingError);
		expect(() => validateMappings(bad, ['dealstage'], 'hubspot deals')).toThrow(/value map of "dealstage"/);
	});
});

describe('default value maps', () => {
	const enumerated: Array<[string, FieldMapping[] | undefined, string, readonly string[]]> = [
		['hubspot deals', hubSpotDefaultMappings.deals, 'stage', CRM_VALUES.dealStages],
		['salesforce deals', salesforceDefaultMappings.deals, 'stage', CRM_VALUES.dealStages],
		['hubspot tickets', hubSpotDefaultMappings.tickets, 'status', CRM_VALUES.ticketStatuses],
		['salesforce tickets', salesforceDefaultMappings.tickets, 'status', CRM_VALUES.ticketStatuses],
		['zendesk tickets', zendeskDefaultMappings.tickets, 'status', CRM_VALUES.ticketStatuses],
		['hubspot tickets', hubSpotDefaultMappings.tickets, 'priority', CRM_VALUES.ticketPriorities],
		['salesforce tickets', salesforceDefaultMappings.tickets, 'priority', CRM_VALUES.ticketPriorities],
		['zendesk tickets', zendeskDefaultMappings.tickets, 'priority', CRM_VALUES.ticketPriorities],
		['freshdesk tickets', freshdeskDefaultMappings.tickets, 'status', CRM_VALUES.ticketStatuses],
		['freshdesk tickets', freshdeskDefaultMappings.tickets, 'priority', CRM_VALUES.ticketPriorities],
	];

	test.each(enumerated)('%s map every internal %s value, and read each platform value back to one of them', (_where, mappings, internal, vocabulary) => {
		const mapping = mappings!.find((candidate) => candidate.internal === internal)!;
		expect(Object.keys(mapping.values!.out).sort()).toEqual([...vocabulary].sort());
		for (const platformValue of new Set(Object.values(mapping.values!.out))) {
			expect(vocabulary).toContain(valueFromPlatform(platformValue, mapping.values));
		}
	});

	test('the neutral ticket statuses go round every desk: each desk reads back what it was sent, or the status it shares', () => {
		const desks = [zendeskDefaultMappings.tickets!, freshdeskDefaultMappings.tickets!, hubSpotDefaultMappings.tickets, salesforceDefaultMappings.tickets];
		const roundTrips = desks.map((mappings) => CRM_VALUES.ticketStatuses.map((status) => fromPlatformFields(toPlatformFields({ status }, mappings), mappings).status));
		expect(roundTrips).toEqual([
			['OPEN', 'PENDING', 'ON_HOLD', 'SOLVED', 'CLOSED'],
			['OPEN', 'PENDING', 'PENDING', 'SOLVED', 'CLOSED'],
			['OPEN', 'PENDING', 'ON_HOLD', 'CLOSED', 'CLOSED'],
			['OPEN', 'PENDING', 'PENDING', 'CLOSED', 'CLOSED'],
		]);
		// A Zendesk "new" ticket and a Freshdesk "Waiting on Third Party" one reach the other desk as open and on hold.
		expect(toPlatformFields(fromPlatformFields({ status: 'new' }, zendeskDefaultMappings.tickets!), freshdeskDefaultMappings.tickets!)).toEqual({ status: '2' });
		expect(toPlatformFields(fromPlatformFields({ status: 7 }, freshdeskDefaultMappings.tickets!), zendeskDefaultMappings.tickets!)).toEqual({ status: 'hold' });
		expect(toPlatformFields(fromPlatformFields({ priority: 'normal' }, zendeskDefaultMappings.tickets!), freshdeskDefaultMappings.tickets!)).toEqual({ priority: '2' });
	});

	test('Salesforce stage "Prospecting" and Case status "New" reach HubSpot as its stage ids', () => {
		const pulledDeal = fromPlatformFields({ StageName: 'Prospecting' }, salesforceDefaultMappings.deals);
		expect(toPlatformFields(pulledDeal, hubSpotDefaultMappings.deals)).toEqual({ dealstage: 'appointmentscheduled' });
		const pulledCase = fromPlatformFields({ Status: 'New', Priority: 'High' }, salesforceDefaultMappings.tickets);
		expect(toPlatformFields(pulledCase, hubSpotDefaultMappings.tickets)).toEqual({ hs_pipeline_stage: '1', hs_ticket_priority: 'HIGH' });
	});
});
