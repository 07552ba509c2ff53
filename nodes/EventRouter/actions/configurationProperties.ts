import { type INodeProperties } from 'n8n-workflow';

import { exampleDestinations, exampleRules } from './exampleRoutes';

const routingOperations = ['route', 'replay'];

const listText = (values: string[] | undefined) => (values ?? []).join(', ');

/** The seed's two rules as rows of the rule list: the node's example configuration. */
const exampleRuleRows = exampleRules.map((rule) => ({
	id: rule.id,
	sources: listText(rule.sources),
	eventTypes: listText(rule.eventTypes),
	destinations: listText(rule.destinations),
	filters: '[]',
	transform: '[]',
	enabled: true,
}));

export const configurationProperties: INodeProperties[] = [
	{
		displayName: 'Rules Input',
		name: 'rulesMode',
		type: 'options',
		options: [
			{ name: 'Rule List', value: 'list', description: 'Edit each rule in the editor' },
			{ name: 'JSON', value: 'json', description: 'A JSON array of rules, for bulk edits or rules kept elsewhere' },
		],
		default: 'list',
		displayOptions: { show: { operation: routingOperations } },
	},
	{
		displayName: 'Rules',
		name: 'rules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Rule',
		default: { rule: exampleRuleRows },
		displayOptions: { show: { operation: routingOperations, rulesMode: ['list'] } },
		options: [
			{
				name: 'rule',
				displayName: 'Rule',
				values: [
					{ displayName: 'Rule ID', name: 'id', type: 'string', default: '', required: true, description: 'Names the rule in the route log, dead letters and errors' },
					{ displayName: 'Sources', name: 'sources', type: 'string', default: '', placeholder: 'e.g. crm, support, billing', description: 'Comma-separated source systems; empty for any source' },
					{ displayName: 'Event Types', name: 'eventTypes', type: 'string', default: '*', placeholder: 'e.g. customer.*, *.cancelled', description: 'Comma-separated patterns; * spans any characters' },
					{
						displayName: 'Filters (JSON)',
						name: 'filters',
						type: 'json',
						default: '[]',
						description: 'All must hold, e.g. [{"path": "data.total", "range": {"gte": 100}}]; conditions: equals, prefix, range, exists, anythingBut',
					},
					{
						displayName: 'Transform (JSON)',
						name: 'transform',
						type: 'json',
						default: '[]',
						description: 'Steps on the event data, e.g. [{"rename": {"email": "contact.email"}}, {"drop": ["internal"]}]; steps: rename, pick, drop, set, require',
					},
					{ displayName: 'Destinations', name: 'destinations', type: 'string', default: '', placeholder: 'e.g. analytics, marketing', description: 'Comma-separated destination IDs' },
					{ displayName: 'Enabled', name: 'enabled', type: 'boolean', default: true, description: 'Whether the rule takes part in routing' },
				],
			},
		],
	},
	{
		displayName: 'Rules (JSON)',
		name: 'rulesJson',
		type: 'json',
		default: JSON.stringify(exampleRules, null, 2),
		displayOptions: { show: { operation: routingOperations, rulesMode: ['json'] } },
		description: 'Array of {id, sources?, eventTypes, filters?, transform?, destinations, enabled?}',
	},
	{
		displayName: 'Destinations Input',
		name: 'destinationsMode',
		type: 'options',
		options: [
			{ name: 'JSON', value: 'json', description: 'A JSON array of destinations (every setting)' },
			{ name: 'Destination List', value: 'list', description: 'Edit each destination in the editor' },
		],
		default: 'json',
		displayOptions: { show: { operation: routingOperations } },
	},
	{
		displayName: 'Destinations',
		name: 'destinationList',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true, sortable: true },
		placeholder: 'Add Destination',
		default: {},
		displayOptions: { show: { operation: routingOperations, destinationsMode: ['list'] } },
		options: [
			{
				name: 'destination',
				displayName: 'Destination',
				values: [
					{ displayName: 'Destination ID', name: 'id', type: 'string', default: '', required: true, description: 'The name rules use for it' },
					{
						displayName: 'Kind',
						name: 'kind',
						type: 'options',
						options: [
							{ name: 'Webhook (Standard Webhooks Signed)', value: 'webhook' },
							{ name: 'HTTP API (Through the HTTP API Destination Credential)', value: 'http' },
							{ name: 'Node Output', value: 'output' },
						],
						default: 'webhook',
					},
					{ displayName: 'URL', name: 'url', type: 'string', default: '', placeholder: 'https://example.com/events', description: 'Webhook: absolute URL. HTTP API: absolute, or a path under the credential\'s base URL.' },
					{
						displayName: 'Method',
						name: 'method',
						type: 'options',
						options: ['POST', 'PUT', 'PATCH', 'DELETE', 'GET'].map((method) => ({ name: method, value: method })),
						default: 'POST',
						description: 'HTTP API only',
					},
					{ displayName: 'Body Template (JSON)', name: 'bodyTemplate', type: 'json', default: '', description: 'HTTP API only: {{path}} placeholders from the event envelope; empty sends the envelope' },
					{ displayName: 'Output Name', name: 'output', type: 'string', default: '', description: 'Node Output only: one of the Node Outputs names' },
					{ displayName: 'Timeout (Seconds)', name: 'timeoutSeconds', type: 'number', typeOptions: { minValue: 1 }, default: 10 },
					{ displayName: 'Max Attempts', name: 'maxAttempts', type: 'number', typeOptions: { minValue: 1, maxValue: 20 }, default: 4, description: 'Including the first; exponential backoff with jitter in between' },
					{ displayName: 'Max Deliveries per Second', name: 'ratePerSecond', type: 'number', typeOptions: { minValue: 0 }, default: 0, description: '0 for no throttle' },
					{ displayName: 'Circuit Breaker Failures', name: 'failureThreshold', type: 'number', typeOptions: { minValue: 0 }, default: 5, description: 'Failed deliveries in a row that open the circuit; 0 for no circuit breaker' },
					{ displayName: 'Circuit Cool-Down (Seconds)', name: 'cooldownSeconds', type: 'number', typeOptions: { minValue: 0 }, default: 30 },
				],
			},
		],
	},
	{
		displayName: 'Destinations (JSON)',
		name: 'destinations',
		type: 'json',
		default: JSON.stringify(exampleDestinations(), null, 2),
		displayOptions: { show: { operation: routingOperations, destinationsMode: ['json'] } },
		description:
			'Array of {id, kind: "webhook" | "http" | "output", url?, method?, headers?, bodyTemplate?, output?, timeoutMs?, retry?, ratePerSecond?, circuitBreaker?, concurrency?}',
	},
	{
		displayName: 'Event Fields',
		name: 'eventFields',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Field',
		default: {},
		displayOptions: { show: { operation: ['route'] } },
		description: 'Fields set on each event\'s data before routing, from n8n expressions evaluated per item (e.g. a header of the webhook request); rules can filter and transform on them',
		options: [
			{
				name: 'field',
				displayName: 'Field',
				values: [
					{ displayName: 'Path', name: 'path', type: 'string', default: '', placeholder: 'e.g. meta.shop', description: 'Dotted path in the event data' },
					{ displayName: 'Value', name: 'value', type: 'string', default: '', placeholder: "e.g. {{ $json.headers['x-shop-domain'] }}" },
				],
			},
		],
	},
	{
		displayName: 'Node Outputs',
		name: 'nodeOutputs',
		type: 'string',
		default: '',
		placeholder: 'e.g. kafka, queue',
		displayOptions: { show: { operation: routingOperations } },
		description: 'Comma-separated names of extra output branches for "output" destinations (e.g. to hand events to the Kafka node)',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		displayOptions: { show: { operation: routingOperations } },
		options: [
			{ displayName: 'Default Source', name: 'defaultSource', type: 'string', default: '', description: 'Source for events that name none' },
			{
				displayName: 'Deduplication Window (Seconds)',
				name: 'dedupWindowSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 86400,
				description: 'An event ID seen within this window is not routed again; 0 turns it off (deliveries stay idempotent per destination)',
			},
			{
				displayName: 'Summarize Node Output Hand-Offs',
				name: 'handOffSummaries',
				type: 'boolean',
				default: false,
				displayOptions: { show: { '/operation': ['route'] } },
				description: 'Whether an event handed only to Node Outputs also gets a summary item on Delivered; it leaves on its branch either way',
			},
			{ displayName: 'Max Event Size (Bytes)', name: 'maxEventBytes', type: 'number', typeOptions: { minValue: 1 }, default: 262144, description: 'Larger events are rejected' },
			{
				displayName: 'Verify Ingest Signature',
				name: 'verifySignature',
				type: 'boolean',
				default: false,
				description:
					'Whether each item must be a webhook request signed per Standard Webhooks with the Event Ingest Signing Secret credential (over the raw body when the Webhook node keeps it, else the compact JSON body); forged or stale events are rejected',
			},
		],
	},
];
