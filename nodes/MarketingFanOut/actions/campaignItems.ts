import type { IDataObject } from 'n8n-workflow';

import type { CampaignStep } from '../../../lib/marketing';

/** Per-platform steps as an item shows them: where it went through, where it failed, and each platform's outcome. */
export function stepsJson(steps: CampaignStep[], doneAs: string): IDataObject {
	return {
		[doneAs]: steps.filter((step) => step.ok).map((step) => step.platform),
		failedOn: steps.filter((step) => !step.ok).map((step) => step.platform),
		platforms: Object.fromEntries(steps.map(({ platform, ...outcome }) => [platform, outcome as IDataObject])),
	};
}

/** What the platforms that failed said: "marketo: HTTP 503; hubspot: …". */
export function stepErrors(steps: CampaignStep[]): { message: string; code?: string } {
	const failed = steps.filter((step) => !step.ok);
	return {
		message: failed.map((step) => `${step.platform}: ${step.error?.message ?? 'not done'}`).join('; ') || 'no platform took it',
		code: failed.find((step) => step.error?.code)?.error?.code,
	};
}

/** A comma-separated parameter (or a list) as trimmed, non-empty names. */
export function namesOf(value: unknown): string[] {
	const items = Array.isArray(value) ? value : String(value ?? '').split(',');
	return items.map((item) => String(item).trim()).filter((item) => item !== '');
}
