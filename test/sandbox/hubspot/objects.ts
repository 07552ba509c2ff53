/** HubSpot's standard CRM objects as data: names, ids, default properties and the properties a portal knows. */
import { pipelineOptions } from './pipelines';

export type CrmObjectName = 'contacts' | 'companies' | 'deals' | 'tickets' | 'notes';
export type PropertyType = 'string' | 'number' | 'datetime' | 'enumeration' | 'bool';

export interface CrmProperty {
	name: string;
	label: string;
	type: PropertyType;
	groupName: string;
	options?: PropertyOption[];
	/** Maintained by HubSpot; writes are refused. */
	readOnly?: boolean;
	/** hasUniqueValue: the property can serve as `idProperty`. */
	unique?: boolean;
	/** Validated as an email address (and kept in lower case). */
	email?: boolean;
}

export interface PropertyOption {
	value: string;
	label: string;
}

export interface CrmObjectType {
	name: CrmObjectName;
	/** As in webhook subscription types: contact.creation, deal.propertyChange. */
	singular: string;
	objectTypeId: string;
	/** Contacts keep their own name for it; the other objects use hs_lastmodifieddate. */
	lastModifiedProperty: string;
	/** Returned by list, read and search when no `properties` are asked for. */
	defaultProperties: string[];
	/** Matched by a search's free-text `query`. */
	queryProperties: string[];
	properties: CrmProperty[];
}

const lifecycleStages = [
	'subscriber',
	'lead',
	'marketingqualifiedlead',
	'salesqualifiedlead',
	'opportunity',
	'customer',
	'evangelist',
	'other',
];

function text(name: string, label: string, groupName: string): CrmProperty {
	return { name, label, type: 'string', groupName };
}

function number(name: string, label: string, groupName: string): CrmProperty {
	return { name, label, type: 'number', groupName };
}

function datetime(name: string, label: string, groupName: string): CrmProperty {
	return { name, label, type: 'datetime', groupName };
}

function choice(name: string, label: string, groupName: string, options: Array<string | PropertyOption>): CrmProperty {
	return { name, label, type: 'enumeration', groupName, options: options.map((option) => (typeof option === 'string' ? { value: option, label: option } : option)) };
}

const dealPipelines = pipelineOptions('deals');
const ticketPipelines = pipelineOptions('tickets');

function systemProperties(lastModifiedProperty: string, groupName: string): CrmProperty[] {
	return [
		{ ...datetime('createdate', 'Create Date', groupName), readOnly: true },
		{ ...datetime(lastModifiedProperty, 'Last Modified Date', groupName), readOnly: true },
		{ ...number('hs_object_id', 'Record ID', groupName), readOnly: true, unique: true },
	];
}

const contactGroup = 'contactinformation';
const companyGroup = 'companyinformation';
const dealGroup = 'dealinformation';
const ticketGroup = 'ticketinformation';

export const crmObjectTypes: CrmObjectType[] = [
	{
		name: 'contacts',
		singular: 'contact',
		objectTypeId: '0-1',
		lastModifiedProperty: 'lastmodifieddate',
		defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'],
		queryProperties: ['email', 'firstname', 'lastname', 'phone', 'company', 'website'],
		properties: [
			{ ...text('email', 'Email', contactGroup), unique: true, email: true },
			text('firstname', 'First Name', contactGroup),
			text('lastname', 'Last Name', contactGroup),
			text('phone', 'Phone Number', contactGroup),
			text('mobilephone', 'Mobile Phone Number', contactGroup),
			text('company', 'Company Name', contactGroup),
			text('website', 'Website URL', contactGroup),
			text('jobtitle', 'Job Title', contactGroup),
			choice('lifecyclestage', 'Lifecycle Stage', contactGroup, lifecycleStages),
			choice('hs_lead_status', 'Lead Status', contactGroup, [
				'NEW',
				'OPEN',
				'IN_PROGRESS',
				'OPEN_DEAL',
				'UNQUALIFIED',
				'ATTEMPTED_TO_CONTACT',
				'CONNECTED',
				'BAD_TIMING',
			]),
			text('address', 'Street Address', contactGroup),
			text('city', 'City', contactGroup),
			text('state', 'State/Region', contactGroup),
			text('zip', 'Postal Code', contactGroup),
			text('country', 'Country/Region', contactGroup),
			// HubSpot's "Marketing contact status": whether the contact may be sent marketing email.
			choice('hs_marketable_status', 'Marketing contact status', contactGroup, [{ value: 'true', label: 'Marketing contact' }, { value: 'false', label: 'Non-marketing contact' }]),
			text('hubspot_owner_id', 'Contact owner', contactGroup),
			number('total_revenue', 'Total Revenue', contactGroup),
			datetime('recent_deal_close_date', 'Recent Deal Close Date', contactGroup),
			...systemProperties('lastmodifieddate', contactGroup),
		],
	},
	{
		name: 'companies',
		singular: 'company',
		objectTypeId: '0-2',
		lastModifiedProperty: 'hs_lastmodifieddate',
		defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'],
		queryProperties: ['name', 'domain', 'website', 'phone'],
		properties: [
			text('name', 'Company name', companyGroup),
			text('domain', 'Company Domain Name', companyGroup),
			text('website', 'Website URL', companyGroup),
			text('industry', 'Industry', companyGroup),
			text('phone', 'Phone Number', companyGroup),
			text('address', 'Street Address', companyGroup),
			text('city', 'City', companyGroup),
			text('state', 'State/Region', companyGroup),
			text('zip', 'Postal Code', companyGroup),
			text('country', 'Country/Region', companyGroup),
			number('numberofemployees', 'Number of Employees', companyGroup),
			number('annualrevenue', 'Annual Revenue', companyGroup),
			choice('lifecyclestage', 'Lifecycle Stage', companyGroup, lifecycleStages),
			text('description', 'Description', companyGroup),
			text('hubspot_owner_id', 'Company owner', companyGroup),
			...systemProperties('hs_lastmodifieddate', companyGroup),
		],
	},
	{
		name: 'deals',
		singular: 'deal',
		objectTypeId: '0-3',
		lastModifiedProperty: 'hs_lastmodifieddate',
		defaultProperties: [
			'amount',
			'closedate',
			'createdate',
			'dealname',
			'dealstage',
			'hs_lastmodifieddate',
			'hs_object_id',
			'pipeline',
		],
		queryProperties: ['dealname'],
		properties: [
			text('dealname', 'Deal Name', dealGroup),
			number('amount', 'Amount', dealGroup),
			choice('dealstage', 'Deal Stage', dealGroup, dealPipelines.stages),
			choice('pipeline', 'Pipeline', dealGroup, dealPipelines.pipelines),
			datetime('closedate', 'Close Date', dealGroup),
			choice('dealtype', 'Deal Type', dealGroup, ['newbusiness', 'existingbusiness']),
			text('description', 'Deal Description', dealGroup),
			text('hubspot_owner_id', 'Deal owner', dealGroup),
			...systemProperties('hs_lastmodifieddate', dealGroup),
		],
	},
	{
		name: 'tickets',
		singular: 'ticket',
		objectTypeId: '0-5',
		lastModifiedProperty: 'hs_lastmodifieddate',
		defaultProperties: [
			'content',
			'createdate',
			'hs_lastmodifieddate',
			'hs_object_id',
			'hs_pipeline',
			'hs_pipeline_stage',
			'hs_ticket_category',
			'hs_ticket_priority',
			'subject',
		],
		queryProperties: ['subject', 'content'],
		properties: [
			text('subject', 'Ticket name', ticketGroup),
			text('content', 'Ticket description', ticketGroup),
			choice('hs_pipeline', 'Pipeline', ticketGroup, ticketPipelines.pipelines),
			choice('hs_pipeline_stage', 'Ticket status', ticketGroup, ticketPipelines.stages),
			choice('hs_ticket_priority', 'Priority', ticketGroup, ['LOW', 'MEDIUM', 'HIGH', 'URGENT']),
			choice('hs_ticket_category', 'Category', ticketGroup, [
				'PRODUCT_ISSUE',
				'BILLING_ISSUE',
				'FEATURE_REQUEST',
				'GENERAL_INQUIRY',
			]),
			choice('source_type', 'Source', ticketGroup, ['CHAT', 'EMAIL', 'FORM', 'PHONE']),
			text('hubspot_owner_id', 'Ticket owner', ticketGroup),
			...systemProperties('hs_lastmodifieddate', ticketGroup),
		],
	},
	{
		// Notes are engagements: a body and a time, associated with the records they are about (a ticket's notes).
		name: 'notes',
		singular: 'note',
		objectTypeId: '0-46',
		lastModifiedProperty: 'hs_lastmodifieddate',
		defaultProperties: ['hs_createdate', 'hs_lastmodifieddate', 'hs_object_id'],
		queryProperties: ['hs_note_body'],
		properties: [
			text('hs_note_body', 'Note body', 'engagement'),
			datetime('hs_timestamp', 'Activity date', 'engagement'),
			text('hubspot_owner_id', 'Activity assigned to', 'engagement'),
			...systemProperties('hs_lastmodifieddate', 'engagement'),
		],
	},
];

/** `contacts`, `contact` and `0-1` all name the contacts object, as in HubSpot's paths. */
export function findObjectType(name: string): CrmObjectType | undefined {
	const wanted = name.toLowerCase();
	return crmObjectTypes.find(
		(type) => type.name === wanted || type.singular === wanted || type.objectTypeId === wanted,
	);
}

export function findProperty(type: CrmObjectType, name: string): CrmProperty | undefined {
	return type.properties.find((property) => property.name === name);
}

const fieldTypes: Record<PropertyType, string> = {
	string: 'text',
	number: 'number',
	datetime: 'date',
	enumeration: 'select',
	bool: 'booleancheckbox',
};

/** A property as `GET /crm/v3/properties/{objectType}` describes it. */
export function describeProperty(property: CrmProperty, displayOrder: number): Record<string, unknown> {
	return {
		name: property.name,
		label: property.label,
		type: property.type,
		fieldType: fieldTypes[property.type],
		groupName: property.groupName,
		description: '',
		options: (property.options ?? []).map(({ value, label }, index) => ({ label, value, displayOrder: index, hidden: false })),
		displayOrder,
		hasUniqueValue: property.unique === true && property.name !== 'hs_object_id',
		hidden: false,
		hubspotDefined: true,
		calculated: false,
		externalOptions: false,
		formField: !property.readOnly,
		modificationMetadata: {
			archivable: false,
			readOnlyDefinition: true,
			readOnlyValue: property.readOnly === true,
		},
		archived: false,
		createdAt: '2020-01-01T00:00:00.000Z',
		updatedAt: '2020-01-01T00:00:00.000Z',
	};
}
