/**
 * Whether leads were already requested into a smart campaign since a time, from their "Request Campaign" activities
 * (Get Lead Activities: a paging token from the time, then the activities of up to 30 leads a call). The activity
 * type's id is read by name from the instance's activity types.
 */
import type { Transport } from '../../transport/transport';

const LEADS_PER_ACTIVITY_CALL = 30;
const REQUEST_CAMPAIGN = 'Request Campaign';

interface Activity {
	leadId?: number;
	activityDate?: string;
	primaryAttributeValueId?: number | string;
}

export class RequestedCampaigns {
	private typeId?: Promise<number>;

	constructor(private readonly transport: Transport) {}

	/** The leads among `leadIds` requested into `campaign` at or after `since`, each with its latest request's time. */
	async requestedSince(campaign: string, leadIds: number[], since: string): Promise<Map<number, string>> {
		const typeId = await this.requestCampaignType();
		const token = await this.transport.request<{ nextPageToken?: string }>({ method: 'GET', url: '/rest/v1/activities/pagingtoken.json', qs: { sinceDatetime: since } });
		const requested = new Map<number, string>();
		for (let start = 0; start < leadIds.length; start += LEADS_PER_ACTIVITY_CALL) {
			const leads = leadIds.slice(start, start + LEADS_PER_ACTIVITY_CALL).join(',');
			for (let next = token.nextPageToken; next;) {
				const page = await this.transport.request<{ result?: Activity[]; moreResult?: boolean; nextPageToken?: string }>({
					method: 'GET', url: '/rest/v1/activities.json', qs: { nextPageToken: next, activityTypeIds: typeId, leadIds: leads },
				});
				for (const activity of page.result ?? []) {
					if (String(activity.primaryAttributeValueId) !== campaign || typeof activity.leadId !== 'number' || !activity.activityDate) continue;
					const latest = requested.get(activity.leadId);
					if (!latest || Date.parse(activity.activityDate) > Date.parse(latest)) requested.set(activity.leadId, activity.activityDate);
				}
				next = page.moreResult ? page.nextPageToken : undefined;
			}
		}
		return requested;
	}

	private requestCampaignType(): Promise<number> {
		if (!this.typeId) {
			this.typeId = this.transport.request<{ result?: Array<{ id: number; name: string }> }>({ method: 'GET', url: '/rest/v1/activities/types.json' }).then((body) => {
				const type = (body.result ?? []).find((entry) => entry.name === REQUEST_CAMPAIGN);
				if (!type) throw Object.assign(new Error(`Marketo lists no "${REQUEST_CAMPAIGN}" activity type`), { code: 'ACTIVITY_TYPE_NOT_FOUND', retryable: false });
				return type.id;
			});
			this.typeId.catch(() => (this.typeId = undefined));
		}
		return this.typeId;
	}
}
