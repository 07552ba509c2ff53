/**
 * @mailchimp/mailchimp_marketing ships no types; the calls the SDK suite makes. Each resolves with the response body
 * and rejects with superagent's error (`status`, `response.body` holding Mailchimp's problem details).
 */
declare module '@mailchimp/mailchimp_marketing' {
	type Body = Record<string, unknown>;
	type Answer = Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
	const mailchimp: {
		/** Where requests go; `https://server.api.mailchimp.com/3.0` with `server` replaced by the configured datacenter. */
		basePath: string;
		setConfig(config: { apiKey?: string; accessToken?: string; server?: string }): void;
		ping: { get(): Answer };
		lists: {
			getAllLists(opts?: Body): Answer;
			deleteListMember(listId: string, subscriberHash: string): Answer;
			setListMember(listId: string, subscriberHash: string, body: Body, opts?: Body): Answer;
			getListMember(listId: string, subscriberHash: string, opts?: Body): Answer;
			updateListMember(listId: string, subscriberHash: string, body: Body, opts?: Body): Answer;
			getListMembersInfo(listId: string, opts?: Body): Answer;
			batchListMembers(listId: string, body: Body, opts?: Body): Answer;
		};
		batches: {
			start(body: { operations: Array<{ method: string; path: string; body?: string; params?: Body; operation_id?: string }> }): Answer;
			status(batchId: string): Answer;
		};
	};
	export default mailchimp;
}
