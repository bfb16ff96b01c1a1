import { stopTemporalForJest } from './temporal-global-setup';

export default stopTemporalForJest;
