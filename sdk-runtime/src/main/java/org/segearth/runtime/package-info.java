/**
 * The SegEarth runtime: engine start-up and SDK facts.
 */
package org.segearth.runtime;
