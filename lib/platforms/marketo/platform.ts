import type { PlatformDefinition } from '../definition';
import { fetchMarketoToken } from './auth';
import { MarketoMarketing } from './marketing';
import { marketoProfile, MARKETO_TOKEN_REFUSED } from './profile';
import { marketoResources } from './resources';

export const marketo: PlatformDefinition = {
	id: 'marketo',
	displayName: 'Marketo',
	profile: () => marketoProfile(),
	credentials: { type: 'integrationMarketoApi', baseUrlField: 'baseUrl', secretFields: ['clientSecret', 'accessToken'] },
	resources: marketoResources,
	standaloneAuth: { kind: 'clientCredentials', fetchToken: fetchMarketoToken },
	// Marketo refuses an expired token in an HTTP 200 (601/602), which n8n never takes for a reason to refresh.
	tokenRefresh: { refusedWith: { statuses: [401], vendorCodes: MARKETO_TOKEN_REFUSED }, inN8n: 'ownToken' },
	marketing: {
		connector: (transport, settings) => new MarketoMarketing(transport, settings),
		segmentsAs: 'lists',
		parameters: [
			{
				displayName: 'Marketo Welcome Campaign',
				name: 'marketoCampaignId',
				default: '',
				description: 'A smart campaign with a "Campaign is Requested" (Web Service API) trigger; empty for none',
				pick: { resource: 'campaigns', by: 'id', placeholder: 'e.g. 7100', pattern: '^[0-9]+$', patternMessage: 'A Marketo campaign ID is a number' },
			},
			{ displayName: 'Marketo Nurture Campaign', name: 'marketoNurtureCampaignId', default: '', shownWhen: { operation: ['updateLifecycleStage', 'retryPending'] }, description: 'Smart campaign ("Campaign is Requested" from the Web Service API) that starts the nurture; empty for none', pick: { resource: 'campaigns', by: 'id', placeholder: 'e.g. 7200', pattern: '^[0-9]+$', patternMessage: 'A Marketo campaign ID is a number' } },
			{ displayName: 'Marketo Nurture Stop Campaign', name: 'marketoNurtureStopCampaignId', default: '', shownWhen: { operation: ['updateLifecycleStage', 'retryPending'] }, description: 'Smart campaign requested when the lead becomes a customer: its flow is "Remove from Flow" of the nurture campaigns', pick: { resource: 'campaigns', by: 'id', placeholder: 'e.g. 7201', pattern: '^[0-9]+$', patternMessage: 'A Marketo campaign ID is a number' } },
			{ displayName: 'Marketo Retention Campaign', name: 'marketoRetentionCampaignId', default: '', shownWhen: { operation: ['startRetention', 'retryPending'] }, description: 'Smart campaign ("Campaign is Requested") that wins back inactive customers; empty for none', pick: { resource: 'campaigns', by: 'id', placeholder: 'e.g. 7300', pattern: '^[0-9]+$', patternMessage: 'A Marketo campaign ID is a number' } },
		],
		settings: (parameter) => {
			const campaign = parameter('marketoCampaignId');
			const nurture = parameter('marketoNurtureCampaignId');
			const retention = parameter('marketoRetentionCampaignId');
			return {
				welcome: campaign ? { id: campaign } : undefined,
				journeys: {
					nurture: nurture ? { start: nurture, stop: parameter('marketoNurtureStopCampaignId') || undefined } : undefined,
					retention: retention ? { start: retention } : undefined,
				},
			};
		},
	},
};
