/** The sObjects the sandbox serves, with their fields as `describe` reports them. */
export interface FieldDescription {
	name: string;
	type: 'id' | 'string' | 'email' | 'phone' | 'url' | 'picklist' | 'currency' | 'date' | 'datetime' | 'textarea' | 'boolean' | 'reference';
	/** Required on create (nillable false, no default). */
	required?: boolean;
	externalId?: boolean;
	/** Set by the platform only. */
	readOnly?: boolean;
	/** A picklist's values as describe lists them; `restricted`: Salesforce refuses any other value. */
	picklist?: { values: string[]; restricted?: boolean };
}

export interface SObjectType {
	name: string;
	/** Salesforce's three-character id prefix. */
	keyPrefix: string;
	fields: FieldDescription[];
}

const picklist = (name: string, values: string[], restricted = false): FieldDescription => ({ name, type: 'picklist', picklist: { values, restricted } });

/** A new org's standard values; these standard picklists are unrestricted there (any value is stored). */
const industries = [
	'Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting', 'Education',
	'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance', 'Food & Beverage', 'Government',
	'Healthcare', 'Hospitality', 'Insurance', 'Machinery', 'Manufacturing', 'Media', 'Not For Profit', 'Recreation', 'Retail',
	'Shipping', 'Technology', 'Telecommunications', 'Transportation', 'Utilities', 'Other',
];
const stages = [
	'Prospecting', 'Qualification', 'Needs Analysis', 'Value Proposition', 'Id. Decision Makers', 'Perception Analysis',
	'Proposal/Price Quote', 'Negotiation/Review', 'Closed Won', 'Closed Lost',
];

const system: FieldDescription[] = [
	{ name: 'Id', type: 'id', readOnly: true },
	{ name: 'IsDeleted', type: 'boolean', readOnly: true },
	{ name: 'CreatedDate', type: 'datetime', readOnly: true },
	{ name: 'LastModifiedDate', type: 'datetime', readOnly: true },
	{ name: 'SystemModstamp', type: 'datetime', readOnly: true },
	// A custom external-id field, so writes can be upserts that a retry cannot duplicate.
	{ name: 'Integration_Id__c', type: 'string', externalId: true },
];

export const sObjectTypes: SObjectType[] = [
	{
		name: 'Contact',
		keyPrefix: '003',
		fields: [
			...system,
			{ name: 'FirstName', type: 'string' },
			{ name: 'LastName', type: 'string', required: true },
			{ name: 'Email', type: 'email' },
			{ name: 'Phone', type: 'phone' },
			{ name: 'Company', type: 'string' },
			{ name: 'Title', type: 'string' },
			{ name: 'AccountId', type: 'reference' },
		],
	},
	{
		name: 'Account',
		keyPrefix: '001',
		fields: [...system, { name: 'Name', type: 'string', required: true }, { name: 'Website', type: 'url' }, picklist('Industry', industries), { name: 'Phone', type: 'phone' }],
	},
	{
		name: 'Opportunity',
		keyPrefix: '006',
		fields: [
			...system,
			{ name: 'Name', type: 'string', required: true },
			{ name: 'Amount', type: 'currency' },
			{ ...picklist('StageName', stages), required: true },
			{ name: 'CloseDate', type: 'date', required: true },
		],
	},
	{
		name: 'Case',
		keyPrefix: '500',
		fields: [
			...system, { name: 'Subject', type: 'string' }, { name: 'Description', type: 'textarea' }, picklist('Priority', ['High', 'Medium', 'Low']),
			// "Web Email": the requester's address on a case that came in by email or web form.
			{ name: 'SuppliedEmail', type: 'email' },
			picklist('Status', ['New', 'Working', 'Escalated', 'Closed']),
			// Who works the case: a User or a queue (Group); a case created without one is the API user's.
			{ name: 'OwnerId', type: 'reference' },
			// A custom picklist an admin restricted to its values.
			picklist('Escalation_Level__c', ['Tier 1', 'Tier 2'], true),
		],
	},
	{
		// A case's comments: public ones (IsPublished) show in the customer's portal. Adding one touches the case.
		name: 'CaseComment',
		keyPrefix: '00a',
		fields: [
			...system.filter((field) => field.name !== 'Integration_Id__c'),
			{ name: 'ParentId', type: 'reference', required: true },
			{ name: 'CommentBody', type: 'textarea', required: true },
			{ name: 'IsPublished', type: 'boolean' },
		],
	},
	{
		// The org's users, as much as the sync reads of them: a case owner's email, looked up by email to assign a case.
		name: 'User',
		keyPrefix: '005',
		fields: [
			...system.filter((field) => field.name !== 'Integration_Id__c'),
			{ name: 'Username', type: 'string', required: true },
			{ name: 'Email', type: 'email', required: true },
			{ name: 'FirstName', type: 'string' },
			{ name: 'LastName', type: 'string', required: true },
			{ name: 'IsActive', type: 'boolean' },
		],
	},
	{
		// Queues a case can be owned by (Type 'Queue').
		name: 'Group',
		keyPrefix: '00G',
		fields: [...system.filter((field) => field.name !== 'Integration_Id__c'), { name: 'Name', type: 'string', required: true }, picklist('Type', ['Queue', 'Regular'])],
	},
];

export function findSObject(name: string): SObjectType | undefined {
	return sObjectTypes.find((type) => type.name.toLowerCase() === name.toLowerCase());
}
