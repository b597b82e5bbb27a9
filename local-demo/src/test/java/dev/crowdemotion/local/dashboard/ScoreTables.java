package dev.crowdemotion.local.dashboard;

import dev.crowdemotion.local.aws.LocalAws;
import dev.crowdemotion.local.dynamodb.DynamoDbLocalServer;
import dev.crowdemotion.scores.EmotionType;
import dev.crowdemotion.scores.StageScoreQueries;
import dev.crowdemotion.scores.StageScoresTable;
import dev.crowdemotion.scores.StageWindowScore;
import dev.crowdemotion.setup.ResourceSetup;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Duration;

/**
 * Test fixture: DynamoDB Local with the two score tables made by {@link ResourceSetup}, and
 * realistic window scores written with the job's own item mapping ({@link StageScoresTable#toItem}).
 */
final class ScoreTables implements AutoCloseable {
    static final String STAGE_TABLE = "crowd-emotion-stage-scores";
    static final String PERFORMANCE_TABLE = "crowd-emotion-performance-scores";
    static final long WINDOW_MS = 10_000;

    final DynamoDbLocalServer server;
    final DynamoDbClient dynamoDb;

    private ScoreTables(DynamoDbLocalServer server, DynamoDbClient dynamoDb) {
        this.server = server;
        this.dynamoDb = dynamoDb;
    }

    static ScoreTables start() {
        DynamoDbLocalServer server = DynamoDbLocalServer.start();
        DynamoDbClient client = DynamoDbClient.builder().endpointOverride(server.endpoint()).region(LocalAws.region())
                .credentialsProvider(LocalAws.CREDENTIALS).httpClientBuilder(ApacheHttpClient.builder()).build();
        ResourceSetup setup = new ResourceSetup(null, client, Duration.ofMillis(50), Duration.ofSeconds(30));
        setup.ensureTable(STAGE_TABLE);
        setup.ensurePerformanceTable(PERFORMANCE_TABLE);
        return new ScoreTables(server, client);
    }

    StageScoreQueries queries() {
        return new StageScoreQueries(dynamoDb, STAGE_TABLE, PERFORMANCE_TABLE);
    }

    /** Writes the score as the job's sink does (one item per stage and window, overwriting). */
    void put(StageWindowScore s) {
        dynamoDb.putItem(b -> b.tableName(STAGE_TABLE).item(StageScoresTable.toItem(s)));
    }

    /**
     * A window score as the job computes it: {@code means} (mean confidence 0-100, in
     * {@link EmotionType} order) and faces per dominant emotion shared out in proportion to them.
     */
    static StageWindowScore score(String stage, long windowStart, long facesDetected, long facesEnriched,
                                  double[] means, String artist, String track) {
        StageWindowScore s = new StageWindowScore();
        s.setStageId(stage);
        s.setWindowStartMs(windowStart);
        s.setWindowEndMs(windowStart + WINDOW_MS);
        s.setFramesSeen(20);
        s.setFacesDetected(facesDetected);
        s.setFacesEnriched(facesEnriched);
        long[] counts = new long[EmotionType.COUNT];
        if (facesEnriched > 0) {
            s.setMeanConfidence(means.clone());
            double total = 0;
            for (double m : means) {
                total += m;
            }
            long given = 0;
            int top = 0;
            for (int e = 0; e < counts.length; e++) {
                counts[e] = (long) Math.floor(facesEnriched * means[e] / total);
                given += counts[e];
                if (means[e] > means[top]) {
                    top = e;
                }
            }
            counts[top] += facesEnriched - given;
        }
        s.setDominantCounts(counts);
        if (artist != null) {
            s.setArtist(artist);
            s.setSetId(artist.toLowerCase().replaceAll("[^a-z0-9]+", "-") + "-set");
        }
        if (track != null) {
            s.setTrackId(track.toLowerCase().replaceAll("[^a-z0-9]+", "-"));
            s.setTrackTitle(track);
        }
        return s;
    }

    /**
     * Mean confidences for a crowd mood, varied smoothly with {@code t} so timelines look alive.
     * Order: HAPPY, SAD, ANGRY, CONFUSED, DISGUSTED, SURPRISED, CALM, FEAR.
     */
    static double[] mood(String kind, int t) {
        double wave = Math.sin(t / 3.0);
        double[] m = switch (kind) {
            case "party" -> new double[] {76, 3, 1.5, 1.5, 0.5, 9, 7, 1.5};
            case "mosh" -> new double[] {50, 4, 11, 3, 1, 13, 13, 5};
            case "mellow" -> new double[] {14, 10, 1.5, 4, 0.5, 3, 65, 2};
            case "wild" -> new double[] {82, 1, 1, 1, 0.5, 12, 2, 0.5};
            default -> throw new IllegalArgumentException(kind);
        };
        m[0] += 6 * wave;                      // HAPPY
        m[6] -= 6 * wave;                      // CALM
        m[5] += 2 * Math.cos(t / 2.0);         // SURPRISED
        m[1] += 1.5 * Math.sin(t / 5.0 + 1);   // SAD
        for (int e = 0; e < m.length; e++) {
            m[e] = Math.round(Math.max(0, m[e]) * 1000.0) / 1000.0;
        }
        return m;
    }

    @Override
    public void close() {
        dynamoDb.close();
        server.close();
    }
}
