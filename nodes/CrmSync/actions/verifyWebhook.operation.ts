import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { readWebhookEvent, verifyWebhook, type WebhookSource } from '../../../lib/sync/webhooks';

const show = { show: { operation: ['verifyWebhook'] } };

/** Where each vendor's webhook secret lives. */
export const webhookSecrets: Record<WebhookSource, { type: string; field: string }> = {
	hubspot: { type: 'integrationHubSpotApi', field: 'clientSecret' },
	zendesk: { type: 'integrationZendeskApi', field: 'webhookSecret' },
	intercom: { type: 'integrationIntercomApi', field: 'clientSecret' },
};

export const description: INodeProperties[] = [
	{
		displayName: 'Webhook Source',
		name: 'webhookSource',
		type: 'options',
		options: [
			{ name: 'HubSpot (X-HubSpot-Signature-v3)', value: 'hubspot' },
			{ name: 'Intercom (X-Hub-Signature)', value: 'intercom' },
			{ name: 'Zendesk (X-Zendesk-Webhook-Signature)', value: 'zendesk' },
		],
		default: 'hubspot',
		displayOptions: show,
	},
	{
		displayName: 'Webhook URL',
		name: 'webhookUrl',
		type: 'string',
		default: '={{ $json.webhookUrl }}',
		displayOptions: { show: { operation: ['verifyWebhook'], webhookSource: ['hubspot'] } },
		description: 'The public URL registered with HubSpot (HubSpot signs it); the Webhook node reports it as webhookUrl',
	},
	{
		displayName: 'Raw Body Binary Property',
		name: 'rawBodyProperty',
		type: 'string',
		default: 'data',
		displayOptions: show,
		description: 'Where the Webhook node put the raw body (its "Raw Body" option); without it the parsed body is re-serialised, which only matches compact JSON',
	},
];

/**
 * Genuine deliveries → Success (the event read from the verified body); forged or stale ones, and signed bodies that are
 * no event (empty, not JSON, not the platform's shape), → Failed with the reason.
 */
export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[][]> {
	const source = this.getNodeParameter('webhookSource', 0) as WebhookSource;
	const credential = await this.getCredentials(webhookSecrets[source].type);
	const secret = String(credential[webhookSecrets[source].field] ?? '');
	if (!secret) throw new NodeOperationError(this.getNode(), `The ${source} credential has no webhook secret set`);
	const verified: INodeExecutionData[] = [];
	const rejected: INodeExecutionData[] = [];
	for (let item = 0; item < items.length; item++) {
		const json = items[item].json;
		const headers = Object.fromEntries(Object.entries((json.headers ?? {}) as Record<string, string>).map(([name, value]) => [name.toLowerCase(), value]));
		const property = this.getNodeParameter('rawBodyProperty', item, 'data') as string;
		const rawBody = items[item].binary?.[property]
			? (await this.helpers.getBinaryDataBuffer(item, property)).toString('utf8')
			: json.body === undefined ? '' : JSON.stringify(json.body);
		const url = source === 'hubspot' ? String(this.getNodeParameter('webhookUrl', item, '')) : '';
		const check = verifyWebhook(source, { headers, rawBody, method: 'POST', url }, secret, Date.now());
		if (!check.valid) {
			rejected.push({ json: { source, verified: false, reason: check.reason }, pairedItem: { item } });
			continue;
		}
		// Signed, so the body is genuine; it must still be the platform's event (never an empty body read as {}).
		const read = readWebhookEvent(source, rawBody);
		if (read.valid) verified.push({ json: { source, verified: true, event: read.event as IDataObject }, pairedItem: { item } });
		else rejected.push({ json: { source, verified: true, reason: read.reason, ...(read.violations ? { invalidFields: read.violations.map((violation) => violation.field) } : {}) }, pairedItem: { item } });
	}
	return [verified, rejected];
}
