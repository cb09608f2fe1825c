/**
 * Readers of the configuration files of the components.
 */
package org.segearth.runtime.config;
