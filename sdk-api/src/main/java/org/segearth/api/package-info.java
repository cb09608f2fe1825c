/**
 * The user API of SegEarth for Java: segment remote-sensing images from a text instruction.
 * No DJL type appears in this package.
 */
package org.segearth.api;
