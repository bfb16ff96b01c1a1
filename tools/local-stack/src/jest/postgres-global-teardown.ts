import { stopPostgresForJest } from './postgres-global-setup';

export default stopPostgresForJest;
