/**
 * Configuration records of the model components, with the Hugging Face field names, each resolved
 * from a {@link org.segearth.spi.config.JsonConfig} with its defaults and validated.
 */
package org.segearth.spi.config;
