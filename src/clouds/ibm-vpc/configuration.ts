import type { CloudConfiguration } from '../../config/catalog.js';

// Temporary stub: replaced by the configuration branch.
export const ibmVpcConfiguration: CloudConfiguration = {
  type: 'ibm-vpc',
  kinds: [],
  settingsSchema: {},
  literalImageId: { pattern: '^r[0-9]{3}-', example: 'r006-...' },
};
