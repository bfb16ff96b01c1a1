export { renderFormatsDoc } from './formats-doc';
