package dev.moegen.maven;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The README's plugin example is the consumer project the integration test builds, verbatim. */
class ReadmeExampleTest {
    @ParameterizedTest
    @ValueSource(strings = {"pom.xml", "src/main/moegen/tiny-moe.yaml", "src/test/java/com/example/moe/TinyMoeTest.java"})
    void theReadmeShowsTheConsumerVerbatim(String file) throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String text = Files.readString(Path.of("src/it/consumer").resolve(file)).stripTrailing();
        assertTrue(readme.contains(text), "README.md must show src/it/consumer/" + file + " verbatim");
    }
}
