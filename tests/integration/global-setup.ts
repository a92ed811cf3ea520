// Minimal placeholder so the integration project runs; the lead engineer owns this file.
export default async function setup() {}
