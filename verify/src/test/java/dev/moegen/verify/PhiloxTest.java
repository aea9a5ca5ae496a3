package dev.moegen.verify;

import static org.junit.jupiter.api.Assertions.*;

import dev.moegen.verify.reference.Philox;
import org.junit.jupiter.api.Test;

class PhiloxTest {
    /** Random123's kat_vectors for philox4x32 10: counter, key, expected words. */
    @Test
    void matchesRandom123KnownAnswers() {
        assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, Philox.block(0, 0, 0, 0, 0, 0));
        assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, Philox.block(-1, -1, -1, -1, -1, -1));
        assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
                Philox.block(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0));
    }

    @Test
    void uniformsAndNormalsHaveTheirMoments() {
        int n = 200_000;
        double su = 0, sn = 0, sn2 = 0;
        for (int t = 0; t < n; t++) {
            double u = Philox.uniform(7, t, 3, Philox.SECOND_EXPERT_STREAM);
            assertTrue(u >= 0 && u < 1, "u = " + u);
            su += u;
            double z = Philox.normal(7, t, 3, Philox.NOISE_STREAM);
            assertTrue(Double.isFinite(z));
            sn += z;
            sn2 += z * z;
        }
        assertEquals(0.5, su / n, 0.005);
        assertEquals(0.0, sn / n, 0.01);
        assertEquals(1.0, sn2 / n, 0.01);
        assertNotEquals(Philox.normal(7, 0, 0, 0), Philox.normal(8, 0, 0, 0), "the seed keys the stream");
        double[] z = {0, 1, 2, 3}, phi = {0.5, 0.8413447460685429, 0.9772498680518208, 0.9986501019683699}; // Φ(z)
        for (int i = 0; i < z.length; i++)
            assertEquals(z[i], Math.sqrt(2) * Philox.erfinv(2 * phi[i] - 1), 1e-5, "√2 erfinv(2Φ(z) − 1) = z at z = " + z[i]);
        assertEquals(Philox.normal(7, 5, 2, 0), Philox.normal(7, 5, 2, 0), "a draw is a pure function of its counter");
    }
}
