// The tracking slice's entry point: the customer's tracking page, its module, its tables and its static files.
export { serveTrackingAssets } from './api/tracking-assets';
export { TrackingConversation1766000000000 } from './tracking-conversation.migration';
export { Tracking1764000001000 } from './tracking.migration';
export { TrackingLinks1767000000000 } from './tracking-links.migration';
export { TrackingModule } from './tracking.module';
