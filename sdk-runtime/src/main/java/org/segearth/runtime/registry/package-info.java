/**
 * Finding component providers on the class path.
 */
package org.segearth.runtime.registry;
